package labtest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
)

// chaosRun is a body that runs a nemesis over a heartbeat cluster while a
// client calls random servers over an unreliable network. It returns the
// schedule and what the client saw.
func chaosRun(t *testing.T) (*labtest.Schedule, []int, []int64) {
	w := labtest.WorldOf(t)
	c := labtest.NewCluster(t, 5, startBeat(50*time.Millisecond))
	var firsts []int64
	for i := 0; i < c.N(); i++ {
		srv, _ := c.Server(i)
		firsts = append(firsts, srv.first)
	}
	w.Reliable(false)
	cl := c.MakeClient()
	nem := c.StartNemesis(labtest.NemesisConfig{Interval: 300 * time.Millisecond})
	var seen []int
	for i := 0; i < 200; i++ {
		to := cl.Rand().IntN(c.N())
		var reply int
		if cl.Ends()[to].Call("Beat.Echo", 0, &reply) {
			seen = append(seen, reply)
		} else {
			seen = append(seen, -1)
		}
		time.Sleep(20 * time.Millisecond)
	}
	nem.Stop()
	return w.Schedule(), seen, firsts
}

// faults returns the events of a schedule that the test and the nemesis
// applied, without the healing of Nemesis.Stop, whose time depends on the
// test's progress.
func faults(s *labtest.Schedule) []labtest.Event {
	var out []labtest.Event
	for _, e := range s.Events {
		if e.By != labtest.ByNemesisStop {
			out = append(out, e)
		}
	}
	return out
}

func TestSameSeedGivesSameScheduleAndNetworkDecisions(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "") // same times need the virtual clock
	t.Setenv(labtest.EnvSeed, "4242")
	var s [2]*labtest.Schedule
	var seen [2][]int
	var firsts [2][]int64
	for k := range 2 {
		t.Run([]string{"first", "second"}[k], func(t *testing.T) {
			labtest.Run(t, func(t *testing.T) { s[k], seen[k], firsts[k] = chaosRun(t) })
		})
	}
	require.NotNil(t, s[0])
	require.NotNil(t, s[1])
	require.Greater(t, len(s[0].Events), 10, "the nemesis applied faults")
	require.Equal(t, int64(4242), s[0].Seed)
	require.Equal(t, s[0].Events, s[1].Events, "same seed, same schedule")
	require.Equal(t, seen[0], seen[1], "same seed, same network decisions for the client")
	require.Equal(t, firsts[0], firsts[1], "same seed, same peer randomness from ends[me].Rand()")
	require.Contains(t, seen[0], -1, "the unreliable network and the nemesis lost some calls")

	t.Setenv(labtest.EnvSeed, "4243")
	var other *labtest.Schedule
	t.Run("other-seed", func(t *testing.T) {
		labtest.Run(t, func(t *testing.T) { other, _, _ = chaosRun(t) })
	})
	require.NotEqual(t, s[0].Events, other.Events, "another seed, another schedule")
}

func TestRecordedScheduleReplaysToTheSameFaults(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "") // same times need the virtual clock
	t.Setenv(labtest.EnvSeed, "777")
	var rec *labtest.Schedule
	t.Run("record", func(t *testing.T) {
		labtest.Run(t, func(t *testing.T) { rec, _, _ = chaosRun(t) })
	})
	// Replay under another seed for everything else: the nemesis's faults
	// must still come from the schedule.
	rec.Seed = 1
	rec.Test = "TestRecordedScheduleReplaysToTheSameFaults/replay"
	b, err := rec.Marshal()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "schedule.json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	t.Setenv(labtest.EnvSeed, "")
	t.Setenv(labtest.EnvReplay, path)
	var rep *labtest.Schedule
	t.Run("replay", func(t *testing.T) {
		labtest.Run(t, func(t *testing.T) { rep, _, _ = chaosRun(t) })
	})
	require.Equal(t, int64(1), rep.Seed, "a replay runs under the schedule's seed")
	// The runs last as long as their 200 calls, which depends on the
	// network's decisions, and so on the seed: compare what both runs
	// cover, the first 4 s (200 pauses of 20 ms).
	const both = 200 * 20 * time.Millisecond
	want, got := faultsBefore(rec, both), faultsBefore(rep, both)
	require.GreaterOrEqual(t, len(want), 5, "the recorded run has faults to replay")
	require.Equal(t, want, got)
}

// faultsBefore returns the faults of s (see faults) applied before at.
func faultsBefore(s *labtest.Schedule, at time.Duration) []labtest.Event {
	var out []labtest.Event
	for _, e := range faults(s) {
		if e.At < at {
			out = append(out, e)
		}
	}
	return out
}

func TestScheduleOfAnotherTestIsNotReplayed(t *testing.T) {
	s := &labtest.Schedule{Version: 1, Seed: 3, Test: "TestSomethingElse"}
	b, err := s.Marshal()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "schedule.json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	t.Setenv(labtest.EnvReplay, path)
	out, code := runChild(t, "Empty")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "is a schedule of test TestSomethingElse, not of Empty, which runs without it")
	require.NotContains(t, out, "seed=3\n")
}

func TestScheduleRoundTripsThroughJSON(t *testing.T) {
	s := &labtest.Schedule{Version: 1, Seed: 9, Package: "distlab/raft", Test: "TestX",
		Servers: map[string]int{"server": 5},
		Events: []labtest.Event{
			{At: 1200 * time.Millisecond, Kind: labtest.KindPartition, By: labtest.ByNemesis, Cluster: "server", Groups: [][]int{{0, 1}, {2, 3, 4}}},
			{At: 2500 * time.Millisecond, Kind: labtest.KindCrash, By: labtest.ByTest, Cluster: "server", Server: 0},
			{At: 3 * time.Second, Kind: labtest.KindCut, Cluster: "server", From: 0, To: 4},
			{At: 4 * time.Second, Kind: labtest.KindReliable, On: false},
			{At: 6250 * time.Millisecond, Kind: labtest.KindHeal, Cluster: "server"},
		}}
	b, err := s.Marshal()
	require.NoError(t, err)
	require.Contains(t, string(b), `{"at":"2.5s","kind":"crash","by":"test","args":{"cluster":"server","server":0}}`)
	got, err := labtest.ParseSchedule(b)
	require.NoError(t, err)
	require.Equal(t, s, got)
}

func TestBadScheduleIsRefusedNamingTheCulprit(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"no version", `{"events":[]}`, `missing "version"`},
		{"future version", `{"version":2,"events":[]}`, "version is 2"},
		{"unknown kind", `{"version":1,"events":[{"at":"1s","kind":"explode","args":{}}]}`, `event 0: unknown event kind "explode"`},
		{"bad time", `{"version":1,"events":[{"at":"soon","kind":"heal","args":{}}]}`, `"soon" is not a Go duration`},
		{"missing server", `{"version":1,"events":[{"at":"1s","kind":"crash","args":{}}]}`, "crash event needs args.server"},
		{"out of range", `{"version":1,"servers":{"s":3},"events":[{"at":"1s","kind":"crash","args":{"cluster":"s","server":3}}]}`, "server 3 out of range"},
		{"out of order", `{"version":1,"events":[{"at":"2s","kind":"heal","args":{}},{"at":"1s","kind":"heal","args":{}}]}`, "must be in time order"},
		{"twice in partition", `{"version":1,"events":[{"at":"1s","kind":"partition","args":{"groups":[[0,1],[1,2]]}}]}`, "server 1 is in two groups"},
		{"unknown field", `{"version":1,"evnts":[]}`, "evnts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := labtest.ParseSchedule([]byte(tc.json))
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := labtest.LoadSchedule(filepath.Join(t.TempDir(), "missing.json"))
	require.ErrorContains(t, err, "missing.json")
}

func TestHandWrittenScheduleIsAppliedAtItsTimes(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "") // exact times need the virtual clock
	s, err := labtest.LoadSchedule(filepath.Join("testdata", "partition-crash-heal.json"))
	require.NoError(t, err)
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 5, startBeat(100*time.Millisecond))
		c.Apply(s).Wait()
		got := labtest.WorldOf(t).Schedule()
		require.Len(t, got.Events, len(s.Events))
		for i, e := range got.Events {
			require.Equal(t, s.Events[i].At, e.At, "event %d applied at its time", i)
			require.Equal(t, s.Events[i].Kind, e.Kind)
			require.Equal(t, labtest.BySchedule, e.By)
		}
		require.True(t, c.Alive(3), "the schedule restarted server 3")
		require.True(t, reach(c, 0, 4), "the schedule healed the partition")
	})
}

func TestNemesisKeepsAMajorityHealthyAndStopHeals(t *testing.T) {
	t.Setenv(labtest.EnvRealtime, "") // minutes of faults: virtual time
	for seed := 1; seed <= 4; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Setenv(labtest.EnvSeed, fmt.Sprint(seed))
			labtest.Run(t, nemesisKeepsAMajority)
		})
	}
}

func nemesisKeepsAMajority(t *testing.T) {
	c := labtest.NewCluster(t, 5, startBeat(time.Second))
	nem := c.StartNemesis(labtest.NemesisConfig{Interval: 100 * time.Millisecond, HealEvery: -1})
	for range 200 {
		time.Sleep(50 * time.Millisecond)
		// Some majority of servers must be alive and reach one another.
		require.True(t, healthyMajority(c), "no healthy majority; schedule so far: %v", labtest.WorldOf(t).Schedule().Events)
	}
	nem.Stop()
	for i := 0; i < c.N(); i++ {
		require.True(t, c.Alive(i))
		for j := 0; j < c.N(); j++ {
			require.True(t, reach(c, i, j), "%d -> %d after Stop", i, j)
		}
	}
	kinds := map[string]bool{}
	for _, e := range labtest.WorldOf(t).Schedule().Events {
		kinds[e.Kind] = true
	}
	for _, k := range []string{labtest.KindPartition, labtest.KindCrash, labtest.KindRestart, labtest.KindDisconnect, labtest.KindCut} {
		require.True(t, kinds[k], "the nemesis applied a %s", k)
	}
}

// healthyMajority reports whether some 3 of c's 5 servers are alive and can
// all call one another. It asks the harness rather than making calls, which
// take time (the nemesis would change the network meanwhile).
func healthyMajority(c *labtest.Cluster[*Beat]) bool {
	for set := 0; set < 1<<5; set++ {
		var m []int
		for i := 0; i < 5; i++ {
			if set&(1<<i) != 0 {
				m = append(m, i)
			}
		}
		if len(m) != 3 {
			continue
		}
		ok := true
		for _, i := range m {
			for _, j := range m {
				if !c.Reachable(i, j) {
					ok = false
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TestSchedulesWrittenBeforeTheFaultTableStillLoad reads every schedule
// checked into the module (written before the table of fault kinds) and
// writes it back: the same events come out.
func TestSchedulesWrittenBeforeTheFaultTableStillLoad(t *testing.T) {
	var files []string
	for _, pat := range []string{"testdata/*.json", "../raft/testdata/*.json", "../kvraft/kvchaos/testdata/*.json"} {
		m, err := filepath.Glob(pat)
		require.NoError(t, err)
		require.NotEmpty(t, m, pat)
		files = append(files, m...)
	}
	for _, f := range files {
		s, err := labtest.LoadSchedule(f)
		require.NoError(t, err, f)
		require.NotEmpty(t, s.Events, f)
		b, err := s.Marshal()
		require.NoError(t, err, f)
		again, err := labtest.ParseSchedule(b)
		require.NoError(t, err, f)
		require.Equal(t, s, again, f)
	}
}
