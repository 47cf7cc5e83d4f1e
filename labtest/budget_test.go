package labtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
)

func TestCountersMeasureTheTrafficOfAnInterval(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "") // exact intervals need the virtual clock
	labtest.Run(t, func(t *testing.T) {
		w := labtest.WorldOf(t)
		c := labtest.NewCluster(t, 5, startBeat(100*time.Millisecond))
		// Measure between beats: at a beat's instant its RPCs would still
		// be landing while the counters are read.
		time.Sleep(time.Second + 50*time.Millisecond)
		before := w.Counters()
		time.Sleep(2 * time.Second)
		d := w.Counters().Sub(before)
		require.Equal(t, 2*time.Second, d.At)
		// 5 servers × 4 peers × 10 heartbeats a second.
		require.InDelta(t, 400, d.RPCs, 25)
		require.InDelta(t, 200, d.RPCRate(), 15)
		require.Greater(t, d.Bytes, int64(d.RPCs), "requests and replies have bytes")
		require.InDelta(t, d.RPCs, w.CheckRPCs(before, 1000, "idle heartbeats"), 10, "heartbeats in flight may land meanwhile")
		require.LessOrEqual(t, w.CheckBytes(before, 1<<20, "idle heartbeats"), int64(1<<20))
		require.InDelta(t, 120, c.RPCCount(0), 15, "server 0 received its share over 3 s")
		require.Equal(t, 1, c.CheckRaftStateSize(100), "each Beat saved one byte")
	})
}

func TestExceededBudgetsFailTheTestNamingTheBudget(t *testing.T) {
	out, code := runChild(t, "Budgets")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "labtest: idle heartbeats: ")
	require.Contains(t, out, "more than the budget of 10 (")
	require.Contains(t, out, "more than the budget of 100\n")
	require.Contains(t, out, "labtest: server server-2: persisted Raft state is 2 bytes, more than the limit of 1")
}

func budgetsBody(t *testing.T) {
	w := labtest.WorldOf(t)
	c := labtest.NewCluster(t, 3, startBeat(100*time.Millisecond))
	before := w.Counters()
	time.Sleep(time.Second)
	w.CheckRPCs(before, 10, "idle heartbeats")
	w.CheckBytes(before, 100, "idle heartbeats")
	c.Restart(2)
	c.CheckRaftStateSize(1)
}
