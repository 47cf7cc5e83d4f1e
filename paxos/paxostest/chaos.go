package paxostest

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"distlab/labtest/chaos"
	"distlab/paxos"
)

// The paxos lab's hooks on the chaos layer: "distlab chaos paxos", and
// chaos.Run(t, "paxos", ...) in paxos's tests.
func init() {
	chaos.Register(chaos.Lab{
		Name:    "paxos",
		Summary: "a Paxos group: dueling proposers, forgetting, durable acceptors",
		About: "Clients start instances at random peers, often two at once for one instance, and peers say\n" +
			"Done with what they decided; agreement is checked on every step; after each round every\n" +
			"instance started must be decided by every peer.",
		Defaults:   chaos.Config{Duration: 20 * time.Second, Round: 10 * time.Second, Think: 20 * time.Millisecond},
		Invariants: "one value per instance at every peer and incarnation, only proposed values",
		Setup: func(fs *flag.FlagSet) chaos.Start {
			return func(t *testing.T, cfg chaos.Config) chaos.Service { return startChaos(t, cfg) }
		},
	})
}

// proposals is what the chaos clients started: the next instance, and the
// first value proposed for each, which the probe proposes again.
type proposals struct {
	mu    sync.Mutex
	next  int
	first map[int]any
	count int
}

func startChaos(t *testing.T, cfg chaos.Config) chaos.Service {
	c := New(t, cfg.Servers)
	ps := &proposals{first: map[int]any{}}
	return chaos.Service{
		Clusters: []chaos.Faultable{c},
		// A client starts a new instance at a random peer, or (one time in
		// three) duels over a recent one; now and then a peer says Done
		// with its decided prefix.
		Client: func(_ context.Context, id int, r *rand.Rand) func() chaos.Op {
			return func() chaos.Op {
				return chaos.Op{Do: func() (any, bool) {
					ps.mu.Lock()
					seq := ps.next
					if seq > 0 && r.IntN(3) == 0 {
						seq = max(0, ps.next-1-r.IntN(3))
					} else {
						ps.next++
					}
					v := fmt.Sprintf("%d/%d.%d", seq, id, ps.count)
					if _, ok := ps.first[seq]; !ok {
						ps.first[seq] = v
					}
					ps.count++
					ps.mu.Unlock()
					c.Start(r.IntN(c.N()), seq, v)
					if r.IntN(10) == 0 {
						c.doneDecidedPrefix(r.IntN(c.N()))
					}
					return nil, true
				}}
			}
		},
		// A restarted peer lost its proposers: propose the first value of
		// every undecided instance again, until every peer has decided (or
		// forgotten) every instance.
		Probe: func(ctx context.Context, _ func(chaos.Op) (any, bool)) error {
			ps.mu.Lock()
			first := make(map[int]any, len(ps.first))
			for s, v := range ps.first {
				first[s] = v
			}
			ps.mu.Unlock()
			for i := 0; ; i = (i + 1) % c.N() {
				pending := c.repropose(i, first)
				if pending == 0 {
					return nil
				}
				select {
				case <-ctx.Done():
					return fmt.Errorf("%d instances still pending at some peer", pending)
				case <-time.After(100 * time.Millisecond):
				}
			}
		},
		Violated: c.agree.log.Failed(),
		Violations: func() []string {
			v := c.Violations()
			c.reported.Store(int64(len(v))) // reported by the chaos layer, not again at cleanup
			return v
		},
		Stats: func() []chaos.Stat {
			ps.mu.Lock()
			defer ps.mu.Unlock()
			lowest := -1
			for i := range c.N() {
				if px, ok := c.Live(i); ok {
					lowest = max(lowest, px.Min())
				}
			}
			return []chaos.Stat{{Name: "instances", Value: fmt.Sprintf("%d started by %d proposals; forgotten below %d", ps.next, ps.count, lowest)}}
		},
	}
}

// doneDecidedPrefix has peer i say Done up to the end of its decided
// prefix.
func (c *Cluster) doneDecidedPrefix(i int) {
	px, ok := c.Live(i)
	if !ok {
		return
	}
	s := px.Min()
	for {
		if f, _ := px.Status(s); f != paxos.Decided {
			break
		}
		s++
	}
	px.Done(s - 1)
}

// repropose starts, at peer i, the given value of every instance some live
// peer still has pending, and returns how many there are.
func (c *Cluster) repropose(i int, first map[int]any) (pending int) {
	for s, v := range first {
		for j := range c.N() {
			if px, ok := c.Live(j); ok {
				if f, _ := px.Status(s); f == paxos.Pending {
					pending++
					c.Start(i, s, v)
					break
				}
			}
		}
	}
	return pending
}
