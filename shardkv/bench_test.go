package shardkv

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"distlab/labgob"
	"distlab/labrpc"
	"distlab/labtest"
)

// moveLog times shard moves on the test's clock: when the first replica of
// the old owner applied the handoff and when the first replica of the new
// owner installed the shard, and how big the pulled shard was.
type moveLog struct {
	mu      sync.Mutex
	w       *labtest.World
	handoff map[[2]int]time.Duration // (tag, shard) -> first handoff
	install map[[2]int]time.Duration // (tag, shard) -> first install
	size    map[[2]int]int           // (tag, shard) -> gob bytes of data + dup table
}

func newMoveLog() *moveLog {
	return &moveLog{handoff: map[[2]int]time.Duration{}, install: map[[2]int]time.Duration{}, size: map[[2]int]int{}}
}

func (l *moveLog) hook(gid int, kind string, tag, shard int, payload any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w == nil {
		return
	}
	k := [2]int{tag, shard}
	now := l.w.Now()
	switch kind {
	case "handoff":
		if _, ok := l.handoff[k]; !ok {
			l.handoff[k] = now
		}
	case "install":
		if _, ok := l.install[k]; !ok {
			l.install[k] = now
			if c, ok := payload.(insertCmd); ok {
				var buf bytes.Buffer
				if err := labgob.NewEncoder(&buf).Encode(c); err == nil {
					l.size[k] = buf.Len()
				}
			}
		}
	}
}

// gaps returns, for every shard that moved between two groups, how long it
// was served by neither (handoff to install), sorted, and the sizes of
// the pulled shards.
func (l *moveLog) gaps() ([]time.Duration, []int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var gaps []time.Duration
	var sizes []int
	for k, h := range l.handoff {
		if in, ok := l.install[k]; ok {
			gaps = append(gaps, in-h)
			if s, ok := l.size[k]; ok {
				sizes = append(sizes, s)
			}
		}
	}
	slices.Sort(gaps)
	return gaps, sizes
}

// benchmarkReconfiguration runs 3 groups of 3 (messages taking 0.5-1.5 ms)
// with 10 clients, each
// appending 100 bytes to its own key and reading it back, for 5 s of the
// test's clock; with reconfigure, the controller changes the config every
// 500 ms (a group leaves or rejoins, or a shard moves) throughout. It
// reports client operations per virtual second, the configs made, and for
// the shards that moved: bytes per pulled shard (data + duplicate table, as
// gob-encoded in the log) and how long each was served by no group (median
// and max, virtual ms, from the old owner's handoff to the new owner's
// install).
func benchmarkReconfiguration(b *testing.B, reconfigure bool) {
	const span, clients = 5 * time.Second, 10
	var ops, configs int
	var virtual time.Duration
	var gaps []time.Duration
	var sizes []int
	for b.Loop() {
		moves := newMoveLog()
		ok := labtest.RunAsTest("Reconfiguration", func(t *testing.T) {
			d := newWorldWith(t, 3, 3, false, -1, moves.hook)
			// Messages take 0.5-1.5 ms, so operations take time on
			// the test's clock.
			oneMs := labrpc.Uniform(500*time.Microsecond, 1500*time.Microsecond)
			d.w.Network().SetFaults(&labrpc.Faults{RequestDelay: oneMs, ReplyDelay: oneMs})
			moves.mu.Lock()
			moves.w = d.w
			moves.mu.Unlock()
			d.join(0, 1, 2)
			first := d.admin.Query(-1).Num
			value := strings.Repeat("x", 100)
			var mu sync.Mutex
			var wg sync.WaitGroup
			stop := make(chan struct{})
			start := d.w.Now()
			for i := range clients {
				cl := d.ctrl.MakeClient()
				ck := MakeClerk(cl.Ends(), cl.MakeEnd)
				d.clerks = append(d.clerks, ck)
				wg.Add(1)
				go func() {
					defer wg.Done()
					key := fmt.Sprint(i)
					n := 0
					defer func() { mu.Lock(); ops += n; mu.Unlock() }()
					for {
						select {
						case <-stop:
							return
						default:
						}
						ck.Append(key, value)
						ck.Get(key)
						n += 2
					}
				}()
			}
			if reconfigure {
				out := -1 // the group that has left, if any
				for k := 0; d.w.Now()-start < span; k++ {
					time.Sleep(500 * time.Millisecond)
					switch {
					case k%3 == 2:
						c := d.admin.Query(-1)
						var gids []int
						for gid := range c.Groups {
							gids = append(gids, gid)
						}
						slices.Sort(gids)
						d.admin.Move(d.rng.IntN(10), gids[d.rng.IntN(len(gids))])
					case out < 0:
						out = d.rng.IntN(3)
						d.leave(out)
					default:
						d.join(out)
						out = -1
					}
				}
			} else {
				time.Sleep(span)
			}
			close(stop)
			wg.Wait()
			virtual += d.w.Now() - start
			configs += d.admin.Query(-1).Num - first
		})
		if !ok {
			b.Fatal("the benchmark's deployment failed")
		}
		g, s := moves.gaps()
		gaps = append(gaps, g...)
		sizes = append(sizes, s...)
	}
	b.ReportMetric(float64(ops)/virtual.Seconds(), "ops/virtual-s")
	b.ReportMetric(float64(configs)/float64(b.N), "configs/run")
	if len(gaps) > 0 {
		slices.Sort(gaps)
		total := 0
		for _, s := range sizes {
			total += s
		}
		b.ReportMetric(float64(len(gaps))/float64(b.N), "moves/run")
		b.ReportMetric(float64(total)/float64(max(len(sizes), 1)), "bytes/moved-shard")
		b.ReportMetric(float64(gaps[len(gaps)/2].Microseconds())/1000, "unavail-median-virtual-ms")
		b.ReportMetric(float64(gaps[len(gaps)-1].Microseconds())/1000, "unavail-max-virtual-ms")
	}
}

func BenchmarkStaticConfig(b *testing.B)       { benchmarkReconfiguration(b, false) }
func BenchmarkContinuousReconfig(b *testing.B) { benchmarkReconfiguration(b, true) }
