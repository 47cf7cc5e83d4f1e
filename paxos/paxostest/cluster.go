// Package paxostest runs Paxos peers in a checked cluster on the labtest
// harness: the agreement invariant (at most one value decided per instance,
// at every peer and every incarnation, over the whole run; a decided value
// was proposed) is checked on every poll and at the end. The paxos tests and
// "distlab chaos paxos" use it.
package paxostest

import (
	"sync/atomic"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/paxos"
	"distlab/persister"
)

// pollInterval is how often, on the test's clock, the agreement checker
// looks at every live peer.
const pollInterval = 10 * time.Millisecond

// Cluster is a group of Paxos peers on the labtest harness, watched by an
// agreement checker from start to end: at most one value is decided per
// instance, at every peer and every incarnation, over the whole run, and a
// decided value is one that was passed to Start.
type Cluster struct {
	*labtest.Cluster[*paxos.Paxos]
	t     *testing.T // the test's goroutine only
	agree *agreement
	quit  chan struct{}
	done  chan struct{}
	// reported is how many violations the chaos layer reported already.
	reported atomic.Int64
}

// New starts n peers and the checker; call it inside labtest.Run. The
// checker stops, and reports violations as test errors, when the test ends.
func New(t *testing.T, n int) *Cluster {
	c := &Cluster{t: t, agree: newAgreement(), quit: make(chan struct{}), done: make(chan struct{})}
	c.Cluster = labtest.NewCluster(t, n, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*paxos.Paxos, []any) {
		px := paxos.Make(ends, me, p)
		return px, []any{px}
	})
	c.RecordStates(0, NewLanes(n).State)
	go c.watch()
	t.Cleanup(func() {
		close(c.quit)
		<-c.done
		c.poll() // one last look
		for _, v := range c.agree.violations()[c.reported.Load():] {
			t.Error(v)
		}
	})
	return c
}

func (c *Cluster) watch() {
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
func (c *Cluster) poll() {
	for i := range c.N() {
		px, ok := c.Live(i)
		if !ok {
			continue
		}
		for _, s := range c.agree.unrecorded(px, px.Min(), px.Max()) {
			switch f, v := px.Status(s); f {
			case paxos.Decided:
				c.agree.decided(px, i, s, v)
			case paxos.Forgotten: // done with before it was seen decided
				c.agree.forgotten(px, s)
			}
		}
	}
}

// Live returns peer i if it is running. (labtest's Server reports a
// restarting server alive a moment before its new instance is in place;
// that moment counts as down.)
func (c *Cluster) Live(i int) (*paxos.Paxos, bool) {
	px, ok := c.Server(i)
	return px, ok && px != nil
}

// Start proposes v for seq at peer i, telling the checker first.
func (c *Cluster) Start(i, seq int, v any) {
	c.agree.proposed(seq, v)
	if px, ok := c.Live(i); ok {
		px.Start(seq, v)
	}
}

// Peer returns live peer i; the test fails if it is down.
func (c *Cluster) Peer(i int) *paxos.Paxos {
	px, ok := c.Live(i)
	if !ok {
		c.t.Fatalf("peer %d is not running", i)
	}
	return px
}

// NDecided returns how many live peers know seq as decided, after checking
// that they agree.
func (c *Cluster) NDecided(seq int) int {
	c.t.Helper()
	n := 0
	for i := range c.N() {
		if px, ok := c.Live(i); ok {
			if f, v := px.Status(seq); f == paxos.Decided {
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

// WaitN waits up to limit on the test's clock until at least wanted peers
// know seq as decided.
func (c *Cluster) WaitN(seq, wanted int, limit time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for c.NDecided(seq) < wanted {
		if time.Now().After(deadline) {
			c.t.Fatalf("instance %d: %d peers decided after %v, want %d", seq, c.NDecided(seq), limit, wanted)
		}
		time.Sleep(pollInterval)
	}
}

// WaitAll waits until every live peer knows seq as decided.
func (c *Cluster) WaitAll(seq int) {
	c.t.Helper()
	live := 0
	for i := range c.N() {
		if c.Alive(i) {
			live++
		}
	}
	c.WaitN(seq, live, 10*time.Second)
}

// WaitMajority waits until a majority of peers know seq as decided.
func (c *Cluster) WaitMajority(seq int) {
	c.t.Helper()
	c.WaitN(seq, c.N()/2+1, 10*time.Second)
}

// CheckMax waits 3 s, then fails the test if more than max peers know seq as decided.
func (c *Cluster) CheckMax(seq, max int) {
	c.t.Helper()
	time.Sleep(3 * time.Second)
	if n := c.NDecided(seq); n > max {
		c.t.Fatalf("instance %d: %d peers decided, want at most %d", seq, n, max)
	}
}

// DoneAll calls Done(seq) at every live peer.
func (c *Cluster) DoneAll(seq int) {
	for i := range c.N() {
		if px, ok := c.Live(i); ok {
			px.Done(seq)
		}
	}
}

// Violations returns the agreement violations found so far.
func (c *Cluster) Violations() []string { return c.agree.violations() }
