package paxos

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"distlab/labgob"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
)

// pollInterval is how often, on the test's clock, the agreement checker
// looks at every live peer.
const pollInterval = 10 * time.Millisecond

// cluster is a group of Paxos peers on the labtest harness, watched by an
// agreement checker from start to end: at most one value is decided per
// instance, at every peer and every incarnation, over the whole run, and a
// decided value is one that was passed to Start.
type cluster struct {
	*labtest.Cluster[*Paxos]
	t     *testing.T
	agree *agreement
	quit  chan struct{}
	done  chan struct{}
}

// newCluster starts n peers and the checker; call it inside labtest.Run.
// The checker stops, and reports, when the test ends.
func newCluster(t *testing.T, n int) *cluster {
	c := &cluster{t: t, agree: newAgreement(), quit: make(chan struct{}), done: make(chan struct{})}
	c.Cluster = labtest.NewCluster(t, n, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*Paxos, []any) {
		px := Make(ends, me, p)
		return px, []any{px}
	})
	go c.watch()
	t.Cleanup(func() {
		close(c.quit)
		<-c.done
		c.poll() // one last look
		for _, v := range c.agree.violations() {
			t.Error(v)
		}
	})
	return c
}

func (c *cluster) watch() {
	defer close(c.done)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-tick.C:
			c.poll()
		}
	}
}

// poll shows the checker every instance each live peer knows as decided.
func (c *cluster) poll() {
	for i := range c.N() {
		px, ok := c.Server(i)
		if !ok {
			continue
		}
		lo, hi := px.Min(), px.Max()
		for s := c.agree.cursor(px, lo); s <= hi; s++ {
			if f, v := px.Status(s); f == Decided {
				c.agree.decided(px, i, s, v)
			}
		}
	}
}

// start proposes v for seq at peer i, telling the checker first.
func (c *cluster) start(i, seq int, v any) {
	c.agree.proposed(seq, v)
	if px, ok := c.Server(i); ok {
		px.Start(seq, v)
	}
}

// peer returns live peer i; the test fails if it is down.
func (c *cluster) peer(i int) *Paxos {
	px, ok := c.Server(i)
	if !ok {
		c.t.Fatalf("peer %d is not running", i)
	}
	return px
}

// ndecided returns how many live peers know seq as decided, after checking
// that they agree.
func (c *cluster) ndecided(seq int) int {
	c.t.Helper()
	n := 0
	for i := range c.N() {
		if px, ok := c.Server(i); ok {
			if f, v := px.Status(seq); f == Decided {
				c.agree.decided(px, i, seq, v)
				n++
			}
		}
	}
	if vs := c.agree.violations(); len(vs) > 0 {
		c.t.Fatal(vs[0])
	}
	return n
}

// waitn waits up to limit on the test's clock until at least wanted peers
// know seq as decided.
func (c *cluster) waitn(seq, wanted int, limit time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for c.ndecided(seq) < wanted {
		if time.Now().After(deadline) {
			c.t.Fatalf("instance %d: %d peers decided after %v, want %d", seq, c.ndecided(seq), limit, wanted)
		}
		time.Sleep(pollInterval)
	}
}

// waitAll waits until every live peer knows seq as decided.
func (c *cluster) waitAll(seq int) {
	c.t.Helper()
	live := 0
	for i := range c.N() {
		if c.Alive(i) {
			live++
		}
	}
	c.waitn(seq, live, 10*time.Second)
}

// waitMajority waits until a majority of peers know seq as decided.
func (c *cluster) waitMajority(seq int) {
	c.t.Helper()
	c.waitn(seq, c.N()/2+1, 10*time.Second)
}

// checkMax fails the test if more than max peers know seq as decided.
func (c *cluster) checkMax(seq, max int) {
	c.t.Helper()
	time.Sleep(3 * time.Second)
	if n := c.ndecided(seq); n > max {
		c.t.Fatalf("instance %d: %d peers decided, want at most %d", seq, n, max)
	}
}

// doneAll calls Done(seq) at every live peer.
func (c *cluster) doneAll(seq int) {
	for i := range c.N() {
		if px, ok := c.Server(i); ok {
			px.Done(seq)
		}
	}
}

// agreement is the Paxos agreement invariant, kept over a whole run: per
// instance at most one value is decided (at any peer, in any incarnation),
// and that value was proposed. Values are compared by a digest of their
// encoding, so the checker holds no large value (forgetting must free
// memory).
type agreement struct {
	mu     sync.Mutex
	props  map[int]map[string]bool // seq -> digests of the values passed to Start
	chosen map[int]string          // seq -> digest of the decided value
	seen   map[*Paxos]int          // per peer incarnation: instances below are recorded
	found  []string
}

func newAgreement() *agreement {
	return &agreement{props: map[int]map[string]bool{}, chosen: map[int]string{}, seen: map[*Paxos]int{}}
}

// boxed lets gob encode any value, a nil interface included.
type boxed struct{ V any }

func digest(v any) string {
	var b bytes.Buffer
	if err := labgob.NewEncoder(&b).Encode(boxed{v}); err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	sum := sha256.Sum256(b.Bytes())
	return string(sum[:])
}

func short(v any) string {
	s := fmt.Sprintf("%v", v)
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

func (a *agreement) proposed(seq int, v any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.props[seq] == nil {
		a.props[seq] = map[string]bool{}
	}
	a.props[seq][digest(v)] = true
}

// cursor returns where a poll of px should start: lo, or past the
// contiguous prefix of instances already recorded from px.
func (a *agreement) cursor(px *Paxos, lo int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return max(lo, a.seen[px])
}

func (a *agreement) decided(px *Paxos, peer, seq int, v any) {
	d := digest(v)
	a.mu.Lock()
	defer a.mu.Unlock()
	if seq == a.seen[px] {
		a.seen[px] = seq + 1
	}
	if !a.props[seq][d] {
		a.found = append(a.found, fmt.Sprintf("agreement: peer %d decided %q for instance %d, a value never proposed for it", peer, short(v), seq))
	}
	if old, ok := a.chosen[seq]; !ok {
		a.chosen[seq] = d
	} else if old != d {
		a.found = append(a.found, fmt.Sprintf("agreement: peer %d decided %q for instance %d, where another value was decided before", peer, short(v), seq))
	}
}

func (a *agreement) violations() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.found...)
}
