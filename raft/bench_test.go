package raft_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/raft"
	"distlab/raft/rafttest"
)

// benchCluster is n peers on a reliable labrpc network, on the real clock,
// for benchmarks (labtest's harness is for tests).
type benchCluster struct {
	net   *labrpc.Network
	rafts []*raft.Raft
	// applied[i] is the last index peer i applied; waiters wake on cond.
	mu      sync.Mutex
	cond    *sync.Cond
	applied []int
	done    chan struct{}
	wg      sync.WaitGroup
}

func newBenchCluster(b *testing.B, n int) *benchCluster {
	c := &benchCluster{net: labrpc.MakeNetwork(), applied: make([]int, n), done: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	c.net.SetSeed(1)
	for i := 0; i < n; i++ {
		ends := make([]*labrpc.ClientEnd, n)
		for j := 0; j < n; j++ {
			name := fmt.Sprintf("%d->%d", i, j)
			ends[j] = c.net.MakeEnd(name)
			c.net.Connect(name, j)
			c.net.Enable(name, true)
		}
		ch := make(chan raft.ApplyMsg, 1024)
		rf := raft.Make(ends, i, raft.MakePersister(), ch)
		c.rafts = append(c.rafts, rf)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(rf))
		c.net.AddServer(i, srv)
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			for {
				select {
				case m := <-ch:
					if m.CommandValid {
						c.mu.Lock()
						c.applied[i] = m.CommandIndex
						c.cond.Broadcast()
						c.mu.Unlock()
					}
				case <-c.done:
					return
				}
			}
		}()
	}
	b.Cleanup(func() {
		for _, rf := range c.rafts {
			rf.Kill()
		}
		close(c.done)
		c.net.Cleanup()
		c.wg.Wait()
	})
	return c
}

// submit proposes cmd to the leader and waits until the leader applies
// it; it retries while there is no leader.
func (c *benchCluster) submit(cmd int) {
	for {
		for i, rf := range c.rafts {
			if index, _, ok := rf.Start(cmd); ok {
				c.mu.Lock()
				for c.applied[i] < index {
					c.cond.Wait()
				}
				c.mu.Unlock()
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkCommittedCommandsPerSecond measures agreement throughput on a
// reliable network on the real clock: closed-loop submitters each propose
// a command and wait for the leader to apply it. It reports commands per
// wall second, bytes and RPCs sent per command.
func BenchmarkCommittedCommandsPerSecond(b *testing.B) {
	for _, n := range []int{3, 5} {
		for _, submitters := range []int{1, 16} {
			b.Run(fmt.Sprintf("peers=%d/submitters=%d", n, submitters), func(b *testing.B) {
				c := newBenchCluster(b, n)
				c.submit(0) // wait for a leader
				bytes0, rpcs0 := c.net.GetTotalBytes(), c.net.GetTotalCount()
				var next atomic.Int64
				b.ResetTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for s := 0; s < submitters; s++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							k := next.Add(1)
							if k > int64(b.N) {
								return
							}
							c.submit(int(k))
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "cmds/s")
				b.ReportMetric(float64(c.net.GetTotalBytes()-bytes0)/float64(b.N), "bytes/cmd")
				b.ReportMetric(float64(c.net.GetTotalCount()-rpcs0)/float64(b.N), "rpcs/cmd")
			})
		}
	}
}

// TestIdleClusterSendsAtMostTenHeartbeatsPerFollowerPerSecond measures the
// idle cost: RPCs per second of the test's clock with no commands.
func TestIdleClusterSendsAtMostTenHeartbeatsPerFollowerPerSecond(t *testing.T) {
	for _, n := range []int{3, 5} {
		t.Run(fmt.Sprintf("peers=%d", n), func(t *testing.T) {
			run(t, func(t *testing.T) {
				h := rafttest.New(t, n, rafttest.Config{})
				h.CheckOneLeader()
				const idle = 10 * time.Second
				rpcs0 := h.RPCs()
				time.Sleep(idle)
				perSecond := float64(h.RPCs()-rpcs0) / idle.Seconds()
				// Ten heartbeats a second per follower, with a little slack for
				// the edges of the interval.
				if limit := 10.5 * float64(n-1); perSecond > limit {
					t.Fatalf("idle cluster of %d sent %.1f RPCs per second, want at most %.1f", n, perSecond, limit)
				}
				t.Logf("idle: %.1f RPCs per second with %d peers", perSecond, n)
			})
		})
	}
}
