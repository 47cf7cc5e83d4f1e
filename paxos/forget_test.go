package paxos_test

import (
	"distlab/paxos"
	"distlab/paxos/paxostest"
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMinAdvancesOnlyWhenEveryPeerIsDone(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 6
		c := paxostest.New(t, n)
		for i := range n {
			require.Equal(t, 0, c.Peer(i).Min(), "initial Min of peer %d", i)
		}
		c.Start(0, 0, "00")
		c.Start(1, 1, "11")
		c.Start(2, 2, "22")
		c.Start(0, 6, "66")
		c.Start(1, 7, "77")
		c.WaitAll(0)
		for i := range n {
			require.Equal(t, 0, c.Peer(i).Min(), "peer %d: Min moved before any Done", i)
		}
		c.WaitAll(1)
		for i := range n {
			require.Equal(t, 0, c.Peer(i).Min(), "peer %d: Min moved before any Done", i)
		}

		// Done from all but one peer: nothing is forgotten.
		for i := range n - 1 {
			c.Peer(i).Done(0)
		}
		for i := 1; i < n-1; i++ {
			c.Peer(i).Done(1)
		}
		for i := range n {
			c.Start(i, 8+i, "xx")
		}
		for i := range n {
			c.WaitAll(8 + i)
		}
		for i := range n {
			require.Equal(t, 0, c.Peer(i).Min(), "peer %d: Min moved though peer %d never said Done", i, n-1)
		}
		c.Peer(n - 1).Done(1) // now every peer is done with 0
		c.Peer(0).Done(1)

		// Min spreads with the next messages.
		for i := range n {
			c.Start(i, 15+i, "yy")
		}
		for i := range n {
			c.WaitAll(15 + i)
		}
		for i := range n {
			require.Equal(t, 2, c.Peer(i).Min(), "peer %d", i)
			f, v := c.Peer(i).Status(0)
			require.Equal(t, paxos.Forgotten, f, "peer %d: instance 0 below Min", i)
			require.Nil(t, v)
			f, _ = c.Peer(i).Status(1)
			require.Equal(t, paxos.Forgotten, f, "peer %d: instance 1 below Min", i)
			f, _ = c.Peer(i).Status(2)
			require.Equal(t, paxos.Decided, f, "peer %d: instance 2 is not below Min", i)
		}
	})
}

func TestManyForgottenInstancesLeaveNothingBehind(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst = 3, 20
		c := paxostest.New(t, n)
		c.World().Reliable(false)
		for seq := range ninst {
			c.Start(seq%n, seq, "z")
		}
		for seq := range ninst {
			c.WaitAll(seq)
		}
		saved := make([]int, n)
		for i := range n {
			saved[i] = c.Persister(i).RaftStateSize()
		}
		c.DoneAll(ninst - 1)
		// Min spreads with the next messages; keep the proposers busy.
		for seq := ninst; seq < 2*ninst; seq++ {
			c.Start(seq%n, seq, "w")
			c.WaitAll(seq)
			lowest := ninst
			for i := range n {
				lowest = min(lowest, c.Peer(i).Min())
			}
			if lowest == ninst {
				break
			}
		}
		for i := range n {
			px := c.Peer(i)
			require.Equal(t, ninst, px.Min(), "peer %d", i)
			for s := range ninst {
				f, v := px.Status(s)
				require.Equal(t, paxos.Forgotten, f, "peer %d instance %d", i, s)
				require.Nil(t, v, "peer %d instance %d", i, s)
			}
			// What is left on stable storage is the few instances
			// decided since.
			require.Less(t, c.Persister(i).RaftStateSize(), saved[i]/2,
				"peer %d still saves forgotten instances", i)
		}
	})
}

func TestOldInstancesStartedAfterForgettingStayForgotten(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		c := paxostest.New(t, n)
		for seq := range 10 {
			c.Start(0, seq, seq)
			c.WaitAll(seq)
		}
		c.DoneAll(4)
		c.Start(1, 10, 10)
		c.WaitAll(10)
		c.Start(2, 11, 11)
		c.WaitAll(11)
		for i := range n {
			require.Equal(t, 5, c.Peer(i).Min(), "peer %d", i)
		}
		for i := range n {
			c.Start(i, 2, "late")
			c.Start(i, 4, "late")
		}
		time.Sleep(2 * time.Second)
		for i := range n {
			for seq := range 5 {
				f, _ := c.Peer(i).Status(seq)
				require.Equal(t, paxos.Forgotten, f, "peer %d instance %d", i, seq)
			}
			for seq := 5; seq <= 11; seq++ {
				f, v := c.Peer(i).Status(seq)
				require.Equal(t, paxos.Decided, f, "peer %d instance %d", i, seq)
				require.Equal(t, seq, v, "peer %d instance %d", i, seq)
			}
		}
	})
}

func TestDoneAndMaxAreReportedPerPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		c := paxostest.New(t, n)
		for i := range n {
			require.Equal(t, -1, c.Peer(i).Max(), "peer %d before any Start", i)
		}
		c.Start(0, 0, "x")
		c.Start(0, 1, "y")
		c.Start(1, 7, "z")
		for _, s := range []int{0, 1, 7} {
			c.WaitAll(s)
		}
		for i := range n {
			require.Equal(t, 7, c.Peer(i).Max(), "peer %d saw instance 7", i)
		}
		c.Peer(0).Done(1)
		c.Peer(0).Done(0) // lower: ignored
		c.Peer(1).Done(1)
		c.Peer(2).Done(0)
		c.Start(2, 8, "w")
		c.WaitAll(8)
		c.Start(0, 9, "v")
		c.WaitAll(9)
		for i := range n {
			require.Equal(t, 1, c.Peer(i).Min(), "peer %d: the smallest Done is 0", i)
		}
	})
}

// TestForgettingFreesMemory decides ten 1 MiB values at three peers, then
// has every peer say Done: the heap after a garbage collection must be
// less than half of what it was with the values live.
func TestForgettingFreesMemory(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst, size = 3, 10, 1 << 20
		c := paxostest.New(t, n)
		rng := c.World().Rand()
		for seq := range ninst {
			v := make([]byte, size)
			for j := 0; j < size; j += 8 {
				binary.LittleEndian.PutUint64(v[j:], rng.Uint64())
			}
			c.Start(seq%n, seq, v)
		}
		for seq := range ninst {
			c.WaitAll(seq)
		}
		before := heapAfterGC()

		c.DoneAll(ninst - 1)
		for seq := ninst; ; seq++ {
			c.Start(seq%n, seq, "small")
			c.WaitAll(seq)
			done := true
			for i := range n {
				done = done && c.Peer(i).Min() == ninst
			}
			if done {
				break
			}
			require.Less(t, seq, 2*ninst, "Min did not reach %d", ninst)
		}
		time.Sleep(time.Second) // let the learners' batches go
		after := heapAfterGC()
		t.Logf("heap with the values: %d MiB; after forgetting them: %d MiB", before>>20, after>>20)
		require.Less(t, after, before/2, "forgetting must free the values")
	})
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
