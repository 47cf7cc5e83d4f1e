package kvraft

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labrpc"
)

func TestInstalledSnapshotBringsLaggingServerUpToDate(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		const maxraftstate = 1000
		c := newCluster(t, be, 3, false, maxraftstate)
		ck := c.clerk(all(3)...)
		ck.Put("a", "A")
		// Server 2 falls behind while the others write enough to snapshot.
		c.Partition([]int{0, 1}, []int{2})
		ck01 := c.clerk(0, 1)
		for i := range 50 {
			ck01.Put(fmt.Sprint(i), fmt.Sprint(i))
		}
		ck01.Put("b", "B")
		c.settle()
		for i := range 3 {
			require.LessOrEqual(t, c.raftStateSize(i), 8*maxraftstate, "server %d", i)
		}
		// Now server 2 must serve with server 0 only: it needs the
		// leader's snapshot, since the entries are gone from the log.
		c.Partition([]int{0, 2}, []int{1})
		ck02 := c.clerk(0, 2)
		ck02.Put("c", "C")
		ck02.Put("d", "D")
		require.Equal(t, "A", ck02.Get("a"))
		require.Equal(t, "B", ck02.Get("b"))
		require.Equal(t, "49", ck02.Get("49"))
		c.Heal()
		ck.Put("e", "E")
		require.Equal(t, "C", ck.Get("c"))
		require.Equal(t, "E", ck.Get("e"))
		require.Equal(t, "1", ck.Get("1"))
		c.settle()
		for i := range 3 {
			require.LessOrEqual(t, c.raftStateSize(i), 8*maxraftstate, "server %d", i)
		}
		c.checkLinearizable()
	})
}

func TestSnapshotStaysSmallForSmallKeyspace(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		const maxraftstate, maxsnapshot = 1000, 500
		c := newCluster(t, be, 3, false, maxraftstate)
		ck := c.clerk(all(3)...)
		for range 200 {
			ck.Put("x", "0")
			require.Equal(t, "0", ck.Get("x"))
			ck.Put("x", "1")
			require.Equal(t, "1", ck.Get("x"))
		}
		c.settle()
		for i := range 3 {
			t.Logf("server %d: raft state %d bytes, snapshot %d bytes", i, c.raftStateSize(i), c.snapshotSize(i))
			require.LessOrEqual(t, c.raftStateSize(i), 8*maxraftstate, "server %d's raft state", i)
			require.LessOrEqual(t, c.snapshotSize(i), maxsnapshot, "server %d's snapshot", i)
			require.Positive(t, c.snapshotSize(i), "server %d never snapshotted", i)
		}
		c.checkLinearizable()
	})
}

func TestNoSnapshotWithMaxRaftStateMinusOne(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		c := workload{clients: 1, crash: true, maxraftstate: -1}.run(t, be)
		for i := range c.N() {
			require.Zero(t, c.snapshotSize(i), "server %d", i)
		}
	})
}

func TestSnapshotRecoversStateAfterAllServersCrash(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 1, crash: true, maxraftstate: 1000}.run(t, be) })
}

func TestSnapshotRecoversStateManyClients(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 20, crash: true, maxraftstate: 1000}.run(t, be) })
}

func TestSnapshotsOnUnreliableNetwork(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 5, unreliable: true, maxraftstate: 1000}.run(t, be) })
}

func TestSnapshotsWithRestartsOnUnreliableNetwork(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		workload{clients: 5, unreliable: true, crash: true, maxraftstate: 1000}.run(t, be)
	})
}

func TestSnapshotsWithRestartsPartitionsAndUnreliableNetwork(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		workload{clients: 5, unreliable: true, crash: true, partitions: true, maxraftstate: 1000}.run(t, be)
	})
}

func TestSharedKeysWithSnapshotsRestartsPartitionsAndUnreliableNetwork(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		workload{servers: 7, clients: 15, unreliable: true, crash: true, partitions: true, randomKeys: true, maxraftstate: 1000}.run(t, be)
	})
}

// The duplicate table is part of the state a snapshot saves: a server that
// restarts from a snapshot must still recognise a retry of an Append it
// applied before the crash. Here every reply to one clerk's Append is lost,
// so the clerk keeps retrying it while the Append is applied, enough other
// writes follow for every server to snapshot past it, and all servers
// crash and restart. The retry that finally gets an answer reaches servers
// that know the Append only from their snapshot: it must not append again.
func TestAppendRetriedAcrossRestartFromSnapshotIsAppliedOnce(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		const maxraftstate = 1000
		c := newCluster(t, be, 3, false, maxraftstate)
		ck, other := c.clerk(all(3)...), c.clerk(all(3)...)
		ck.Put("k", "a")
		var lose atomic.Bool
		var lost atomic.Int32
		lose.Store(true)
		fromCk := fmt.Sprintf("client-%d>", ck.cl.ID())
		rec := c.World().Recorder()
		c.World().Network().SetObserver(func(m *labrpc.Message) {
			if end, _ := m.End.(string); lose.Load() && m.Kind == labrpc.Reply &&
				m.Method == "KVServer.PutAppend" && strings.HasPrefix(end, fromCk) {
				m.Fate = labrpc.Dropped
				lost.Add(1)
			}
			rec.Observe(m)
		})
		done := make(chan struct{})
		go func() {
			defer close(done)
			ck.Append("k", "b")
		}()
		for start := time.Now(); other.Get("k") != "ab"; time.Sleep(50 * time.Millisecond) {
			require.Less(t, time.Since(start), 5*time.Second, "the Append was not applied once within 5 s (value %q)", other.Get("k"))
		}
		for i := range 30 {
			other.Put(fmt.Sprint(i), fmt.Sprint(i))
		}
		c.settle()
		for i := range 3 {
			require.Positive(t, c.snapshotSize(i), "server %d has no snapshot: the scenario needs one", i)
		}
		c.crashAll()
		c.restartAll()
		require.Positive(t, lost.Load(), "no reply to the Append was lost: the scenario needs one")
		lose.Store(false)
		<-done
		require.Equal(t, "ab", other.Get("k"), "an Append retried after a restart from a snapshot was applied twice")
		c.checkLinearizable()
	})
}
