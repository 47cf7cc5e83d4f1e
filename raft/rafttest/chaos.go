package rafttest

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"distlab/labtest/chaos"
)

// The raft lab's hooks on the chaos layer: "distlab chaos raft", and
// chaos.Run(t, "raft", ...) in raft's tests.
func init() {
	chaos.Register(chaos.Lab{
		Name:    "raft",
		Summary: "a Raft cluster: elections, replication, snapshots",
		About: "Clients submit commands to whichever peers claim to lead, while the invariants are\n" +
			"checked on every step; after each round the healed cluster must commit a command.",
		Defaults:   chaos.Config{Duration: time.Minute, Round: 10 * time.Second, Think: 30 * time.Millisecond},
		Invariants: "election safety, log matching, leader completeness, state machine safety, apply order",
		Setup: func(fs *flag.FlagSet) chaos.Start {
			snapshots := fs.Bool("snapshots", true, fmt.Sprintf("make the services snapshot every %d commands", SnapInterval))
			return func(t *testing.T, cfg chaos.Config) chaos.Service { return startChaos(t, cfg, *snapshots) }
		},
	})
}

func startChaos(t *testing.T, cfg chaos.Config, snapshots bool) chaos.Service {
	h := New(t, cfg.Servers, Config{Snapshots: snapshots})
	var submitted atomic.Int64
	return chaos.Service{
		Clusters: []chaos.Faultable{h.c},
		// A client submits new commands, unique to the run (see Submit).
		Client: func(_ context.Context, id int, _ *rand.Rand) func() chaos.Op {
			k := 0
			return func() chaos.Op {
				k++
				cmd := (id+1)*1_000_000_000 + k
				return chaos.Op{Do: func() (any, bool) {
					if h.Submit(cmd) {
						submitted.Add(1)
					}
					return nil, true
				}}
			}
		},
		Probe: func(ctx context.Context, _ func(chaos.Op) (any, bool)) error {
			dl, _ := ctx.Deadline()
			_, err := h.tryOneWithin(h.rng.Int(), h.n, time.Until(dl))
			return err
		},
		Violated: h.Violated(),
		Violations: func() []string {
			v := h.Violations()
			h.mu.Lock()
			h.reported = len(v) // reported by the chaos layer, not again at cleanup
			h.mu.Unlock()
			return v
		},
		Stats: func() []chaos.Stat {
			leaders, maxTerm := h.inv.leaderStats()
			return []chaos.Stat{
				{Name: "leaders", Value: fmt.Sprintf("%d seen by the checker (highest term %d)", leaders, maxTerm)},
				{Name: "commands", Value: fmt.Sprintf("%d submitted, %d committed, %d snapshots installed",
					submitted.Load(), h.MaxApplied(), h.SnapshotsDelivered())},
			}
		},
	}
}

// Submit offers cmd to every live peer; one that leads takes it. It reports
// whether one did. Agreement and order are checked by the invariants, not
// by the caller. It is safe to call from any goroutine.
func (h *Cluster) Submit(cmd any) bool {
	taken := false
	for i := 0; i < h.n; i++ {
		if rf := h.Raft(i); rf != nil {
			if _, _, ok := rf.Start(cmd); ok {
				taken = true
			}
		}
	}
	return taken
}
