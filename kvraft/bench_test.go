package kvraft

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
)

// benchmarkClients runs clients concurrent clients against a reliable
// 5-server group whose messages take 0.5-1.5 ms each (so that latency on the
// test's clock means something), each doing opsPerClient operations
// (alternating Append and Get on its own key), and reports operations per
// wall second, the mean and 99th-percentile latency on the test's clock,
// and the bytes the network carried per operation.
func benchmarkClients(b *testing.B, be backend, clients, opsPerClient int) {
	var wall time.Duration
	var lat []time.Duration
	var bytes int64
	ops := 0
	for b.Loop() {
		start := time.Now()
		ok := labtest.RunAsTest(fmt.Sprintf("Clients%d", clients), func(t *testing.T) {
			c := newCluster(t, be, 5, false, -1)
			oneMs := labrpc.Uniform(500*time.Microsecond, 1500*time.Microsecond)
			c.World().Network().SetFaults(&labrpc.Faults{RequestDelay: oneMs, ReplyDelay: oneMs})
			warm := MakeClerk(c.MakeClient().Ends())
			warm.Put("warm", "up") // a leader exists before timing
			before := c.World().Bytes()
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := range clients {
				ck := MakeClerk(c.MakeClient().Ends())
				wg.Add(1)
				go func() {
					defer wg.Done()
					key := fmt.Sprint(i)
					mine := make([]time.Duration, 0, opsPerClient)
					for j := range opsPerClient {
						t0 := time.Now()
						if j%2 == 0 {
							ck.Append(key, "x")
						} else {
							ck.Get(key)
						}
						mine = append(mine, time.Since(t0))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			bytes += c.World().Bytes() - before
			ops += clients * opsPerClient
		})
		wall += time.Since(start)
		if !ok {
			b.Fatal("the benchmark's cluster failed")
		}
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	b.ReportMetric(float64(ops)/wall.Seconds(), "ops/wall-s")
	b.ReportMetric(float64(sum.Microseconds())/1000/float64(len(lat)), "mean-virtual-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-virtual-ms")
	b.ReportMetric(float64(bytes)/float64(ops), "bytes/op")
}

// The benchmarks run the service on each backend in the same run, so the
// two are compared on one machine at one moment.
func BenchmarkOneClient(b *testing.B) {
	forEachBackend(b, func(b *testing.B, be backend) { benchmarkClients(b, be, 1, 500) })
}
func BenchmarkFiftyClients(b *testing.B) {
	forEachBackend(b, func(b *testing.B, be backend) { benchmarkClients(b, be, 50, 20) })
}

func forEachBackend(b *testing.B, f func(b *testing.B, be backend)) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { f(b, be) })
	}
}
