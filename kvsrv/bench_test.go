package kvsrv

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
)

// benchNet is a server and clients on a plain labrpc network (the real
// clock: a reliable network has no delays to wait through).
func benchNet(b *testing.B, clients int, reliable bool) (*labrpc.Network, []*Clerk) {
	net := labrpc.MakeNetwork()
	net.Reliable(reliable)
	b.Cleanup(net.Cleanup)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(StartKVServer()))
	net.AddServer("kv", srv)
	cks := make([]*Clerk, clients)
	for i := range cks {
		name := fmt.Sprint("c", i)
		end := net.MakeEnd(name)
		net.Connect(name, "kv")
		net.Enable(name, true)
		cks[i] = MakeClerk(end)
		cks[i].Put(name, "") // the stream is open and the server knows the client
	}
	return net, cks
}

// cycle runs ops operations on ck's own key: Put, Append (returning the old
// value), Get, so that the value stays small.
func cycle(b *testing.B, ck *Clerk, key string, ops int) {
	for j := range ops {
		switch j % 3 {
		case 0:
			ck.Put(key, "value")
		case 1:
			if old := ck.Append(key, "+"); old != "value" {
				b.Errorf("Append returned %q", old)
				return
			}
		default:
			if v := ck.Get(key); v != "value+" {
				b.Errorf("Get returned %q", v)
				return
			}
		}
	}
}

// run has clients clerks run ops operations between them, concurrently.
func run(b *testing.B, cks []*Clerk, ops int) {
	var wg sync.WaitGroup
	for i, ck := range cks {
		n := ops / len(cks)
		if i < ops%len(cks) {
			n++
		}
		wg.Add(1)
		go func() { defer wg.Done(); cycle(b, ck, fmt.Sprint("c", i), n) }()
	}
	wg.Wait()
}

// BenchmarkReliable is 1 and 50 clients on a reliable network: operations
// per second and bytes per operation (requests and replies, gob-encoded).
func BenchmarkReliable(b *testing.B) {
	for _, clients := range []int{1, 50} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			net, cks := benchNet(b, clients, true)
			bytes0 := net.GetTotalBytes()
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			run(b, cks, b.N)
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
			b.ReportMetric(float64(net.GetTotalBytes()-bytes0)/float64(b.N), "bytes/op")
		})
	}
}

// BenchmarkUnreliable is 1 and 50 clients on the classic unreliable
// network (10% of requests and of replies lost, 0-27 ms per request): how
// many times an operation is resent, on average. It runs on the real
// clock, so each iteration takes about a second.
func BenchmarkUnreliable(b *testing.B) {
	for _, c := range []struct{ clients, ops int }{{1, 60}, {50, 500}} {
		b.Run(fmt.Sprintf("clients=%d", c.clients), func(b *testing.B) {
			net, cks := benchNet(b, c.clients, false)
			calls0, ops := net.GetTotalCount(), 0
			for b.Loop() {
				run(b, cks, c.ops)
				ops += c.ops
			}
			b.ReportMetric(float64(net.GetTotalCount()-calls0-ops)/float64(ops), "retries/op")
		})
	}
}
