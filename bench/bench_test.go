package bench

import (
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"distlab/porcupine"
	"distlab/porcupine/models"

	upstream "github.com/anishathalye/porcupine"
)

// Each benchmark has an "ours" and a "theirs" sub-benchmark on the same input
// in the same run (operations that never returned closed at the end for
// both); compare their ns/op. cmd/samecheck measures every case this way.

var (
	etcdOnce  sync.Once
	etcdFiles []etcdFile
)

func etcd(b *testing.B) []etcdFile {
	etcdOnce.Do(func() { etcdFiles = loadEtcd(b) })
	if etcdFiles == nil {
		b.Skip("no etcd logs")
	}
	return etcdFiles
}

// BenchmarkEtcdAll checks all 102 etcd logs per iteration.
func BenchmarkEtcdAll(b *testing.B) {
	files := etcd(b)
	var mine [][]porcupine.Operation
	var theirsOps [][]upstream.Operation
	for _, f := range files {
		mine = append(mine, oursClosed(f.ops))
		theirsOps = append(theirsOps, theirs(f.ops))
	}
	b.Run("ours", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			for i, ops := range mine {
				if porcupine.CheckOperations(ourEtcd, ops) != etcdLinearizable[files[i].num] {
					b.Fatalf("%s: wrong verdict", files[i].name)
				}
			}
		}
	})
	b.Run("theirs", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			for i, ops := range theirsOps {
				if upstream.CheckOperations(theirEtcd, ops) != etcdLinearizable[files[i].num] {
					b.Fatalf("%s: wrong verdict", files[i].name)
				}
			}
		}
	})
}

// BenchmarkEtcdFile checks each etcd log alone.
func BenchmarkEtcdFile(b *testing.B) {
	for _, f := range etcd(b) {
		mine, theirsOps, want := oursClosed(f.ops), theirs(f.ops), etcdLinearizable[f.num]
		name := strings.TrimSuffix(f.name, ".log") + "=" + verdictName(want)
		b.Run(name+"/ours", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if porcupine.CheckOperations(ourEtcd, mine) != want {
					b.Fatal("wrong verdict")
				}
			}
		})
		b.Run(name+"/theirs", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if upstream.CheckOperations(theirEtcd, theirsOps) != want {
					b.Fatal("wrong verdict")
				}
			}
		})
	}
}

// verdictName is how a benchmark's name tells its expected verdict.
func verdictName(linearizable bool) string {
	if linearizable {
		return "ok"
	}
	return "illegal"
}

// BenchmarkKv checks the kv logs partitioned by key (as the kv labs do) and,
// for c01 and c10, unpartitioned with the whole store as the state.
func BenchmarkKv(b *testing.B) {
	for _, name := range []string{"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"} {
		raw := loadKv(b, name)
		want := name[len(name)-2:] == "ok"
		mine, theirsOps := oursClosed(raw), theirs(raw)
		b.Run(name+"/partitioned/ours", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if porcupine.CheckOperations(models.KvModel, mine) != want {
					b.Fatal("wrong verdict")
				}
			}
		})
		b.Run(name+"/partitioned/theirs", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if upstream.CheckOperations(theirKv, theirsOps) != want {
					b.Fatal("wrong verdict")
				}
			}
		})
		if name[:3] == "c50" {
			continue
		}
		b.Run(name+"/unpartitioned/ours", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if porcupine.CheckOperations(ourKvMap, mine) != want {
					b.Fatal("wrong verdict")
				}
			}
		})
		b.Run(name+"/unpartitioned/theirs", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if upstream.CheckOperations(theirKvMap, theirsOps) != want {
					b.Fatal("wrong verdict")
				}
			}
		})
	}
}

// perKeyCap bounds each key's check on c50-bad, for both checkers: upstream
// does not finish some keys (its memory grows without bound meanwhile), and
// neither do we.
const perKeyCap = 10 * time.Second

// BenchmarkKvC50BadPerKey decides every key of c50-bad on its own (the
// partitioned check stops at the first illegal key; this one does not), each
// with a time cap. It reports how many keys were decided, and the peak heap,
// and logs each key's verdict and time.
func BenchmarkKvC50BadPerKey(b *testing.B) {
	raw := loadKv(b, "c50-bad")
	single := models.KvModel
	single.Partition, single.PartitionEvent = nil, nil
	theirSingle := theirKv
	theirSingle.Partition = nil
	parts := models.KvModel.Partition(ours(raw))
	theirParts := theirKv.Partition(theirs(raw))
	perKey := func(b *testing.B, n int, check func(i int) string) {
		defer reportCPU(b)()
		for b.Loop() {
			decided, peak := 0, uint64(0)
			for i := 0; i < n; i++ {
				start := time.Now()
				r, heap := withPeakHeap(func() string { return check(i) })
				b.Logf("key %s: %s in %v, peak heap %d MB", parts[i][0].Input.(models.KvInput).Key, r, time.Since(start).Round(time.Millisecond), heap>>20)
				if r == "Illegal" {
					decided++
				}
				peak = max(peak, heap)
			}
			b.ReportMetric(float64(decided), "keys-decided")
			b.ReportMetric(float64(peak>>20), "peak-heap-MB")
		}
	}
	b.Run("ours", func(b *testing.B) {
		perKey(b, len(parts), func(i int) string {
			return string(porcupine.CheckOperationsTimeout(single, parts[i], perKeyCap))
		})
	})
	b.Run("theirs", func(b *testing.B) {
		perKey(b, len(theirParts), func(i int) string {
			return string(upstream.CheckOperationsTimeout(theirSingle, theirParts[i], perKeyCap))
		})
	})
}

// withPeakHeap runs f and samples the heap every 10 ms; it returns f's
// result and the largest heap seen.
func withPeakHeap(f func() string) (string, uint64) {
	runtime.GC()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > max {
				max = ms.HeapAlloc
			}
			select {
			case <-done:
				peak <- max
				return
			case <-t.C:
			}
		}
	}()
	r := f()
	close(done)
	return r, <-peak
}

// reportCPU starts measuring the process's CPU time (user and system); the
// function it returns reports it per iteration as cpu-ms/op. On a shared,
// busy machine CPU time is steadier than wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFixedCost checks a 10-operation history: what a check costs
// before any search.
func BenchmarkFixedCost(b *testing.B) {
	for _, c := range generatedCases() {
		if c.Group != GroupSmall {
			continue
		}
		b.Run(c.Name+"/ours", func(b *testing.B) {
			for b.Loop() {
				c.Ours(0)
			}
		})
		b.Run(c.Name+"/theirs", func(b *testing.B) {
			for b.Loop() {
				c.Theirs(0)
			}
		})
	}
}

// BenchmarkKvraftLong checks the long one-client, one-key kvraft history.
func BenchmarkKvraftLong(b *testing.B) {
	cases, err := kvraftCases()
	if err != nil {
		b.Skip(err)
	}
	for _, c := range cases {
		if c.Group != GroupKvraftLong {
			continue
		}
		b.Run(c.Name+"/ours", func(b *testing.B) {
			for b.Loop() {
				c.Ours(0)
			}
		})
		b.Run(c.Name+"/theirs", func(b *testing.B) {
			for b.Loop() {
				c.Theirs(0)
			}
		})
	}
}
