package rsm

import (
	"errors"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"distlab/persister"

	"github.com/stretchr/testify/require"
)

// replica is one RSM over a fakeLog, with its machine and storage.
type replica struct {
	log *fakeLog
	sm  *counters
	ps  *persister.Persister
	rsm *RSM
}

// startReplica starts replica me of g on ps.
func startReplica(t *testing.T, g *fakeGroup, me int, ps *persister.Persister, maxraftstate int) *replica {
	t.Helper()
	l := startFakeLog(g, me, ps)
	sm := newCounters()
	r, err := Make(Config{Me: me, Log: l, Persister: ps, MaxRaftState: maxraftstate, Machine: sm,
		Rand: rand.New(rand.NewPCG(1, uint64(me)))}, l.applyCh, func(m ApplyMsg) ApplyMsg { return m })
	if err != nil {
		l.Kill()
		t.Fatalf("Make: %v", err)
	}
	return &replica{log: l, sm: sm, ps: ps, rsm: r}
}

func startGroup(t *testing.T, n, maxraftstate int) (*fakeGroup, []*replica) {
	g := newFakeGroup()
	rs := make([]*replica, n)
	for i := range rs {
		rs[i] = startReplica(t, g, i, persister.MakePersister(), maxraftstate)
	}
	t.Cleanup(func() {
		for _, r := range rs {
			r.rsm.Kill()
		}
	})
	return g, rs
}

// waitApplied sleeps until every replica has applied index (virtual time
// makes the sleep cost nothing).
func waitApplied(t *testing.T, rs []*replica, index int) {
	t.Helper()
	for range 100 {
		synctest.Wait()
		done := true
		for _, r := range rs {
			if r.rsm.LastApplied() < index {
				done = false
			}
		}
		if done {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("replicas did not all apply index %d", index)
}

func TestSubmitReturnsResultAfterEveryReplicaCanApplyIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		for i := 1; i <= 5; i++ {
			res, err := rs[0].rsm.Submit(Request{ClientID: 1, Seq: int64(i), Command: add{"x", i}})
			require.NoError(t, err)
			require.Equal(t, i*(i+1)/2, res)
		}
		waitApplied(t, rs, g.lastIndex())
		for i, r := range rs {
			require.Equal(t, 15, r.sm.get("x"), "replica %d", i)
		}
	})
}

func TestSubmitAtFollowerReturnsErrWrongLeader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		_, err := rs[1].rsm.Submit(Request{Command: add{"x", 1}})
		require.ErrorIs(t, err, ErrWrongLeader)
		require.Equal(t, 0, g.lastIndex(), "a follower must not place the request in the log")
	})
}

func TestRetriedRequestIsAppliedOnceEvenIfLoggedTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		g.setAutoCommit(false)
		req := Request{ClientID: 9, Seq: 1, Command: add{"x", 5}}
		_, err := rs[0].rsm.Submit(req)
		require.ErrorIs(t, err, ErrTimeout, "nothing commits, so Submit must time out")
		// The first copy is still in the log; the retry adds a second.
		g.setAutoCommit(true)
		res, err := rs[0].rsm.Submit(req)
		require.NoError(t, err)
		require.Equal(t, 5, res)
		waitApplied(t, rs, 2)
		for i, r := range rs {
			require.Equal(t, 5, r.sm.get("x"), "replica %d", i)
			require.Equal(t, 1, r.sm.appliedCount(), "replica %d applied the request more than once", i)
		}
	})
}

func TestRetryAtNewLeaderReturnsRememberedResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		req := Request{ClientID: 4, Seq: 1, Command: add{"x", 3}}
		res, err := rs[0].rsm.Submit(req)
		require.NoError(t, err)
		waitApplied(t, rs, 1)
		g.setLeader(1)
		res2, err := rs[1].rsm.Submit(req)
		require.NoError(t, err)
		require.Equal(t, res, res2)
		require.Equal(t, 1, rs[1].sm.appliedCount())
	})
}

func TestAnonymousRequestIsAppliedEachTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, rs := startGroup(t, 1, -1)
		for range 3 {
			_, err := rs[0].rsm.Submit(Request{Command: add{"x", 1}})
			require.NoError(t, err)
		}
		require.Equal(t, 3, rs[0].sm.get("x"))
	})
}

func TestSubmitReportsLostLeadershipWhenAnotherEntryTakesItsIndex(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		g.setAutoCommit(false)
		errc := make(chan error, 1)
		go func() {
			_, err := rs[0].rsm.Submit(Request{ClientID: 1, Seq: 1, Command: add{"x", 1}})
			errc <- err
		}()
		synctest.Wait() // the proposal is at index 1, uncommitted
		require.Equal(t, 1, g.lastIndex())
		g.mu.Lock()
		// Another leader's entry replaces it in the same term, so only
		// the index tells the proposer it lost.
		g.leader = 1
		g.entries = g.entries[:0]
		g.mu.Unlock()
		_, err := rs[1].rsm.Submit(Request{ClientID: 2, Seq: 1, Command: add{"y", 1}})
		require.ErrorIs(t, err, ErrTimeout)
		g.commitAll()
		require.ErrorIs(t, <-errc, ErrLeadershipLost)
		require.Equal(t, 0, rs[0].sm.get("x"))
	})
}

func TestSubmitReportsLostLeadershipWhenTermChanges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		g.setAutoCommit(false)
		start := time.Now()
		errc := make(chan error, 1)
		go func() {
			_, err := rs[0].rsm.Submit(Request{ClientID: 1, Seq: 1, Command: add{"x", 1}})
			errc <- err
		}()
		synctest.Wait()
		g.setLeader(0) // a new term, even with the same leader
		require.ErrorIs(t, <-errc, ErrLeadershipLost)
		require.LessOrEqual(t, time.Since(start), 2*leaderCheckInterval, "a term change must be noticed well before the timeout")
	})
}

func TestSubmitTimesOutWhenNothingCommits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		g.setAutoCommit(false)
		start := time.Now()
		_, err := rs[0].rsm.Submit(Request{ClientID: 1, Seq: 1, Command: add{"x", 1}})
		require.ErrorIs(t, err, ErrTimeout)
		require.Equal(t, DefaultSubmitTimeout, time.Since(start))
	})
}

func TestKillWakesWaitingSubmitAndEndsGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 1, -1)
		g.setAutoCommit(false)
		errc := make(chan error, 1)
		go func() {
			_, err := rs[0].rsm.Submit(Request{Command: add{"x", 1}})
			errc <- err
		}()
		synctest.Wait()
		rs[0].rsm.Kill()
		require.ErrorIs(t, <-errc, ErrKilled)
		require.True(t, rs[0].rsm.Killed())
		_, err := rs[0].rsm.Submit(Request{Command: add{"x", 1}})
		require.ErrorIs(t, err, ErrKilled)
		// synctest.Test fails if any goroutine is left when this returns.
	})
}

func TestSnapshotKeepsRaftStateNearMaxRaftState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxraftstate = 1000
		g, rs := startGroup(t, 3, maxraftstate)
		for i := 1; i <= 100; i++ {
			_, err := rs[0].rsm.Submit(Request{ClientID: 1, Seq: int64(i), Command: add{"x", 1}})
			require.NoError(t, err)
		}
		waitApplied(t, rs, g.lastIndex())
		for i, r := range rs {
			require.Positive(t, r.log.snapshotCalls(), "replica %d never snapshotted", i)
			require.Less(t, r.ps.RaftStateSize(), maxraftstate+g.entrySize+8, "replica %d", i)
			require.Positive(t, r.ps.SnapshotSize(), "replica %d", i)
		}
	})
}

func TestMaxRaftStateMinusOneNeverSnapshots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, -1)
		for i := 1; i <= 100; i++ {
			_, err := rs[0].rsm.Submit(Request{ClientID: 1, Seq: int64(i), Command: add{"x", 1}})
			require.NoError(t, err)
		}
		waitApplied(t, rs, g.lastIndex())
		for i, r := range rs {
			require.Zero(t, r.log.snapshotCalls(), "replica %d", i)
			require.Zero(t, r.ps.SnapshotSize(), "replica %d", i)
		}
	})
}

func TestRestartRestoresStateAndDuplicateTableFromSnapshot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newFakeGroup()
		ps := persister.MakePersister()
		r := startReplica(t, g, 0, ps, 500)
		var last Request
		for i := 1; i <= 30; i++ {
			last = Request{ClientID: 3, Seq: int64(i), Command: add{"x", 2}}
			_, err := r.rsm.Submit(last)
			require.NoError(t, err)
		}
		require.Positive(t, ps.SnapshotSize())
		r.rsm.Kill()

		r = startReplica(t, g, 0, ps.Copy(), 500)
		defer r.rsm.Kill()
		waitApplied(t, []*replica{r}, g.lastIndex())
		require.Equal(t, 60, r.sm.get("x"))
		res, err := r.rsm.Submit(last)
		require.NoError(t, err)
		require.Equal(t, 60, res, "a retried request must get its original result after a restart")
		require.Equal(t, 60, r.sm.get("x"), "a retried request must not be applied again after a restart")
	})
}

func TestRestartWithoutSnapshotReplaysTheLog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newFakeGroup()
		ps := persister.MakePersister()
		r := startReplica(t, g, 0, ps, -1)
		for i := 1; i <= 10; i++ {
			_, err := r.rsm.Submit(Request{ClientID: 3, Seq: int64(i), Command: add{"x", 1}})
			require.NoError(t, err)
		}
		r.rsm.Kill()
		r = startReplica(t, g, 0, ps.Copy(), -1)
		defer r.rsm.Kill()
		waitApplied(t, []*replica{r}, 10)
		require.Equal(t, 10, r.sm.get("x"))
		res, err := r.rsm.Submit(Request{ClientID: 3, Seq: 10, Command: add{"x", 1}})
		require.NoError(t, err)
		require.Equal(t, 10, res)
		require.Equal(t, 10, r.sm.get("x"))
	})
}

func TestInstalledSnapshotBringsLaggingReplicaUpToDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, rs := startGroup(t, 3, 500)
		rs[2].log.setPaused(true)
		for i := 1; i <= 40; i++ {
			_, err := rs[0].rsm.Submit(Request{ClientID: 5, Seq: int64(i), Command: add{"x", 1}})
			require.NoError(t, err)
		}
		require.Zero(t, rs[2].sm.get("x"))
		// The leader sends its latest snapshot instead of the entries. Its
		// index and its bytes are read together, once the leader has
		// settled: a snapshot taken between two separate reads would pair
		// one snapshot's index with another's contents.
		synctest.Wait()
		rs[0].log.g.mu.Lock()
		leaderSnap, leaderSnapshot := rs[0].log.snapIndex, rs[0].ps.ReadSnapshot()
		rs[0].log.g.mu.Unlock()
		require.Positive(t, leaderSnap, "the leader never snapshotted")
		rs[2].log.installSnapshot(leaderSnap, leaderSnapshot)
		rs[2].log.setPaused(false)
		synctest.Wait()
		waitApplied(t, rs, g.lastIndex())
		require.Equal(t, 40, rs[2].sm.get("x"))
		require.Equal(t, g.lastIndex()-leaderSnap, rs[2].sm.appliedCount(),
			"the lagging replica should apply only the commands after the snapshot")
		// Its duplicate table came with the snapshot.
		g.setLeader(2)
		res, err := rs[2].rsm.Submit(Request{ClientID: 5, Seq: 40, Command: add{"x", 1}})
		require.NoError(t, err)
		require.Equal(t, 40, res)
	})
}

func TestMakeRejectsIncompleteConfig(t *testing.T) {
	ok := func() Config {
		g := newFakeGroup()
		return Config{Log: &fakeLog{g: g}, Persister: persister.MakePersister(), MaxRaftState: -1,
			Machine: newCounters(), Rand: rand.New(rand.NewPCG(1, 2))}
	}
	cases := []struct {
		name   string
		break_ func(*Config)
		want   string
	}{
		{"no log", func(c *Config) { c.Log = nil }, "Config.Log"},
		{"no persister", func(c *Config) { c.Persister = nil }, "Config.Persister"},
		{"no machine", func(c *Config) { c.Machine = nil }, "Config.Machine"},
		{"no rand", func(c *Config) { c.Rand = nil }, "Config.Rand"},
		{"maxraftstate below -1", func(c *Config) { c.MaxRaftState = -2 }, "MaxRaftState is -2"},
		{"negative timeout", func(c *Config) { c.SubmitTimeout = -time.Second }, "SubmitTimeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok()
			tc.break_(&cfg)
			_, err := Make(cfg, make(chan ApplyMsg), func(m ApplyMsg) ApplyMsg { return m })
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := Make(ok(), nil, func(m ApplyMsg) ApplyMsg { return m })
	require.ErrorContains(t, err, "apply channel")
}

func TestMakeRejectsCorruptSavedSnapshot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := persister.MakePersister()
		ps.Save(nil, []byte("not a snapshot"))
		l := startFakeLog(newFakeGroup(), 0, ps)
		defer l.Kill()
		_, err := Make(Config{Log: l, Persister: ps, MaxRaftState: -1, Machine: newCounters(),
			Rand: rand.New(rand.NewPCG(1, 2))}, l.applyCh, func(m ApplyMsg) ApplyMsg { return m })
		require.Error(t, err)
		require.True(t, errors.Is(err, err))
		require.Contains(t, err.Error(), "cannot restore its saved snapshot")
	})
}
