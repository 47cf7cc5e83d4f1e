package labtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
)

func TestSixtyVirtualSecondsOfSleepTakeLittleWallTime(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "")
	wallStart := time.Now()
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 3, startBeat(100*time.Millisecond))
		for i := 0; i < 60; i++ {
			time.Sleep(time.Second)
		}
		w := labtest.WorldOf(t)
		require.GreaterOrEqual(t, w.Now(), 60*time.Second)
		srv, ok := c.Server(0)
		require.True(t, ok)
		// 2 peers × 10 beats a second × 60 s, give or take the edges.
		require.InDelta(t, 1200, srv.Beats(), 30)
	})
	t.Logf("60 virtual seconds took %v of wall time", time.Since(wallStart))
}

func TestRealtimeModeRunsOnTheRealClock(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "1")
	labtest.Run(t, func(t *testing.T) {
		require.NotEqual(t, 2000, time.Now().Year(), "a bubble's clock starts in 2000")
		c := labtest.NewCluster(t, 3, startBeat(20*time.Millisecond))
		time.Sleep(150 * time.Millisecond)
		w := labtest.WorldOf(t)
		require.GreaterOrEqual(t, w.Now(), 150*time.Millisecond)
		srv, _ := c.Server(1)
		require.Greater(t, srv.Beats(), 4)
		c.Crash(2)
		c.Restart(2)
	})
}

func TestVirtualClockStartsInTheBubble(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "")
	labtest.Run(t, func(t *testing.T) {
		require.Equal(t, 2000, time.Now().Year())
		require.Less(t, labtest.WorldOf(t).Now(), time.Second)
	})
}

func TestStuckTestIsEndedAtItsVirtualTimeLimitWithArtefacts(t *testing.T) {
	for _, tc := range []struct{ child, where string }{
		{"Stuck", "waitForever"},
		{"Spinning", "pollForever"},
	} {
		t.Run(tc.child, func(t *testing.T) {
			out, code := runChild(t, tc.child, labtest.EnvTimeout+"=30s", labtest.EnvArtifacts+"="+t.TempDir(),
				labtest.EnvRealtime+"=")
			require.NotEqual(t, 0, code, out)
			require.Contains(t, out, "labtest: "+tc.child+" did not end within 30s of virtual time (DISTLAB_TIMEOUT=30s)")
			require.Contains(t, out, tc.where, "the report shows where the test is stuck")
			require.Regexp(t, `distlab: virtual=30s wall=\S+ rpcs=\d+`, out)
			require.Contains(t, out, "distlab: artifacts=")
		})
	}
}

func TestStuckTestIsEndedAtItsTimeLimitOnTheRealClockToo(t *testing.T) {
	out, code := runChild(t, "Stuck", labtest.EnvTimeout+"=300ms", labtest.EnvArtifacts+"="+t.TempDir(),
		labtest.EnvRealtime+"=1")
	require.NotEqual(t, 0, code, out)
	require.Contains(t, out, "labtest: Stuck did not end within 300ms of real time (DISTLAB_REALTIME=1) (DISTLAB_TIMEOUT=300ms)")
	require.Contains(t, out, "waitForever", "the report shows where the test is stuck")
	require.Contains(t, out, "distlab: artifacts=")
}

func TestBadTimeLimitIsRefusedNamingTheVariable(t *testing.T) {
	out, code := runChild(t, "Empty", labtest.EnvTimeout+"=forever")
	require.NotEqual(t, 0, code, out)
	require.Contains(t, out, `DISTLAB_TIMEOUT="forever" is not a duration`)
}
