package paxos_test

import (
	"fmt"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/paxos"
)

// benchGroup is n peers on a reliable labrpc network, on the real clock,
// for benchmarks (labtest's harness is for tests).
type benchGroup struct {
	net *labrpc.Network
	pxs []*paxos.Paxos
}

func newBenchGroup(n int) *benchGroup {
	g := &benchGroup{net: labrpc.MakeNetwork()}
	g.net.SetSeed(1)
	for i := range n {
		ends := make([]*labrpc.ClientEnd, n)
		for j := range n {
			name := fmt.Sprintf("%d->%d", i, j)
			ends[j] = g.net.MakeEnd(name)
			g.net.Connect(name, j)
			g.net.Enable(name, true)
		}
		px := paxos.Make(ends, i, paxos.MakePersister())
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(px))
		g.net.AddServer(i, srv)
		g.pxs = append(g.pxs, px)
	}
	return g
}

func (g *benchGroup) stop() {
	for _, px := range g.pxs {
		px.Kill()
	}
	g.net.Cleanup()
}

// waitDecided waits until every peer knows seq as decided.
func (g *benchGroup) waitDecided(b *testing.B, seq int) {
	deadline := time.Now().Add(10 * time.Second)
	for _, px := range g.pxs {
		for {
			if f, _ := px.Status(seq); f == paxos.Decided {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("instance %d not decided everywhere within 10 s", seq)
			}
			select {
			case <-px.Changes():
			case <-time.After(time.Millisecond):
			}
		}
	}
}

// benchmarkAgreement decides instances one after another, each proposed by
// proposers peers at once (1: no contention; all: dueling proposers), and
// reports decided instances per wall second and RPCs per instance. Every
// peer calls Done as it goes, so forgetting is part of the cost.
func benchmarkAgreement(b *testing.B, peers, proposers int) {
	g := newBenchGroup(peers)
	defer g.stop()
	rpcs0 := g.net.GetTotalCount()
	start := time.Now()
	seq := 0
	for b.Loop() {
		for p := range proposers {
			g.pxs[p].Start(seq, seq*10+p)
		}
		g.waitDecided(b, seq)
		if seq%10 == 9 {
			for _, px := range g.pxs {
				px.Done(seq)
			}
		}
		seq++
	}
	b.ReportMetric(float64(seq)/time.Since(start).Seconds(), "instances/wall-s")
	b.ReportMetric(float64(g.net.GetTotalCount()-rpcs0)/float64(seq), "rpcs/instance")
}

func BenchmarkAgreement(b *testing.B) {
	for _, peers := range []int{3, 5} {
		for _, proposers := range []int{1, peers} {
			b.Run(fmt.Sprintf("peers=%d/proposers=%d", peers, proposers), func(b *testing.B) {
				benchmarkAgreement(b, peers, proposers)
			})
		}
	}
}
