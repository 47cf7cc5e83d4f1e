package paxos

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMinAdvancesOnlyWhenEveryPeerIsDone(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 6
		c := newCluster(t, n)
		for i := range n {
			require.Equal(t, 0, c.peer(i).Min(), "initial Min of peer %d", i)
		}
		c.start(0, 0, "00")
		c.start(1, 1, "11")
		c.start(2, 2, "22")
		c.start(0, 6, "66")
		c.start(1, 7, "77")
		c.waitAll(0)
		for i := range n {
			require.Equal(t, 0, c.peer(i).Min(), "peer %d: Min moved before any Done", i)
		}
		c.waitAll(1)
		for i := range n {
			require.Equal(t, 0, c.peer(i).Min(), "peer %d: Min moved before any Done", i)
		}

		// Done from all but one peer: nothing is forgotten.
		for i := range n - 1 {
			c.peer(i).Done(0)
		}
		for i := 1; i < n-1; i++ {
			c.peer(i).Done(1)
		}
		for i := range n {
			c.start(i, 8+i, "xx")
		}
		for i := range n {
			c.waitAll(8 + i)
		}
		for i := range n {
			require.Equal(t, 0, c.peer(i).Min(), "peer %d: Min moved though peer %d never said Done", i, n-1)
		}
		c.peer(n - 1).Done(1) // now every peer is done with 0
		c.peer(0).Done(1)

		// Min spreads with the next messages.
		for i := range n {
			c.start(i, 15+i, "yy")
		}
		for i := range n {
			c.waitAll(15 + i)
		}
		for i := range n {
			require.Equal(t, 2, c.peer(i).Min(), "peer %d", i)
			f, v := c.peer(i).Status(0)
			require.Equal(t, Forgotten, f, "peer %d: instance 0 below Min", i)
			require.Nil(t, v)
			f, _ = c.peer(i).Status(1)
			require.Equal(t, Forgotten, f, "peer %d: instance 1 below Min", i)
			f, _ = c.peer(i).Status(2)
			require.Equal(t, Decided, f, "peer %d: instance 2 is not below Min", i)
		}
	})
}

func TestManyForgottenInstancesLeaveNothingBehind(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst = 3, 20
		c := newCluster(t, n)
		c.Reliable(false)
		for seq := range ninst {
			c.start(seq%n, seq, "z")
		}
		for seq := range ninst {
			c.waitAll(seq)
		}
		c.doneAll(ninst - 1)
		// Min spreads with the next messages; keep the proposers busy.
		for seq := ninst; seq < 2*ninst; seq++ {
			c.start(seq%n, seq, "w")
			c.waitAll(seq)
			lowest := ninst
			for i := range n {
				lowest = min(lowest, c.peer(i).Min())
			}
			if lowest == ninst {
				break
			}
		}
		for i := range n {
			px := c.peer(i)
			require.Equal(t, ninst, px.Min(), "peer %d", i)
			px.mu.Lock()
			for s := range px.insts {
				require.GreaterOrEqual(t, s, ninst, "peer %d still holds forgotten instance %d", i, s)
			}
			px.mu.Unlock()
		}
	})
}

func TestOldInstancesStartedAfterForgettingStayForgotten(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		c := newCluster(t, n)
		for seq := range 10 {
			c.start(0, seq, seq)
			c.waitAll(seq)
		}
		c.doneAll(4)
		c.start(1, 10, 10)
		c.waitAll(10)
		c.start(2, 11, 11)
		c.waitAll(11)
		for i := range n {
			require.Equal(t, 5, c.peer(i).Min(), "peer %d", i)
		}
		for i := range n {
			c.start(i, 2, "late")
			c.start(i, 4, "late")
		}
		time.Sleep(2 * time.Second)
		for i := range n {
			for seq := range 5 {
				f, _ := c.peer(i).Status(seq)
				require.Equal(t, Forgotten, f, "peer %d instance %d", i, seq)
			}
			for seq := 5; seq <= 11; seq++ {
				f, v := c.peer(i).Status(seq)
				require.Equal(t, Decided, f, "peer %d instance %d", i, seq)
				require.Equal(t, seq, v, "peer %d instance %d", i, seq)
			}
		}
	})
}

func TestDoneAndMaxAreReportedPerPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		c := newCluster(t, n)
		for i := range n {
			require.Equal(t, -1, c.peer(i).Max(), "peer %d before any Start", i)
		}
		c.start(0, 0, "x")
		c.start(0, 1, "y")
		c.start(1, 7, "z")
		for _, s := range []int{0, 1, 7} {
			c.waitAll(s)
		}
		for i := range n {
			require.Equal(t, 7, c.peer(i).Max(), "peer %d saw instance 7", i)
		}
		c.peer(0).Done(1)
		c.peer(0).Done(0) // lower: ignored
		c.peer(1).Done(1)
		c.peer(2).Done(0)
		c.start(2, 8, "w")
		c.waitAll(8)
		c.start(0, 9, "v")
		c.waitAll(9)
		for i := range n {
			require.Equal(t, 1, c.peer(i).Min(), "peer %d: the smallest Done is 0", i)
		}
	})
}

// TestForgettingFreesMemory decides ten 1 MiB values at three peers, then
// has every peer say Done: the heap after a garbage collection must be
// less than half of what it was with the values live.
func TestForgettingFreesMemory(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst, size = 3, 10, 1 << 20
		c := newCluster(t, n)
		rng := c.World().Rand()
		for seq := range ninst {
			v := make([]byte, size)
			for j := 0; j < size; j += 8 {
				binary.LittleEndian.PutUint64(v[j:], rng.Uint64())
			}
			c.start(seq%n, seq, v)
		}
		for seq := range ninst {
			c.waitAll(seq)
		}
		before := heapAfterGC()

		c.doneAll(ninst - 1)
		for seq := ninst; ; seq++ {
			c.start(seq%n, seq, "small")
			c.waitAll(seq)
			done := true
			for i := range n {
				done = done && c.peer(i).Min() == ninst
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
