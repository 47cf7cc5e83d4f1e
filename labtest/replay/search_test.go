package replay

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
)

// recorded is a chaos run of 10 s with 5 clients and 20 nemesis events,
// one every 500 ms, some lossy.
func recorded() Space {
	sp := Space{Duration: 10 * time.Second, Clients: 5, Rates: true}
	for i := range 20 {
		sp.At = append(sp.At, time.Duration(i)*500*time.Millisecond)
	}
	return sp
}

// search runs Search with a failure that holds when fails says so, and
// checks that every candidate it tries is within the recorded run.
func search(t *testing.T, sp Space, fails func(Candidate) bool) (Candidate, int) {
	t.Helper()
	best, trials, err := Search(context.Background(), sp, 0, func(_ context.Context, c Candidate) (bool, error) {
		require.LessOrEqual(t, c.Duration, sp.Duration)
		require.LessOrEqual(t, c.Clients, sp.Clients)
		require.LessOrEqual(t, c.RateScale, 1.0)
		require.True(t, slices.IsSorted(c.Events))
		return fails(c), nil
	})
	require.NoError(t, err)
	require.True(t, fails(best), "the search returns a candidate that fails")
	return best, trials
}

func TestSearchShortensARunToTheTimeItsFailureNeeds(t *testing.T) {
	// The failure needs the run to last 2 s, whatever else happens.
	best, _ := search(t, recorded(), func(c Candidate) bool { return c.Duration >= 2*time.Second })
	require.Equal(t, 2*time.Second, best.Duration)
	require.Empty(t, best.Events)
	require.Equal(t, 1, best.Clients)
}

func TestSearchKeepsTheDurationThatOutlastsTheEventsAFailureNeeds(t *testing.T) {
	// The failure needs event 7 (at 3.5 s) applied, so the run must
	// outlast it: 3.6 s, the next DurationStep.
	best, _ := search(t, recorded(), func(c Candidate) bool {
		return slices.Contains(c.Events, 7) && c.Duration > 3500*time.Millisecond
	})
	require.Equal(t, []int{7}, best.Events)
	require.Equal(t, 3600*time.Millisecond, best.Duration)
}

func TestSearchLowersTheClientsToThoseAFailureNeeds(t *testing.T) {
	best, _ := search(t, recorded(), func(c Candidate) bool { return c.Clients >= 1 })
	require.Equal(t, 1, best.Clients)
	best, _ = search(t, recorded(), func(c Candidate) bool { return c.Clients >= 3 })
	require.Equal(t, 3, best.Clients, "a failure that needs 3 concurrent clients keeps 3")
	require.Equal(t, DurationStep, best.Duration)
}

func TestSearchLowersTheFaultRatesToThoseAFailureNeeds(t *testing.T) {
	// The failure needs event 4 at no less than a quarter of its rate.
	best, _ := search(t, recorded(), func(c Candidate) bool {
		return slices.Contains(c.Events, 4) && c.RateScale >= 0.25
	})
	require.Equal(t, []int{4}, best.Events)
	require.Equal(t, 0.25, best.RateScale)

	sp := recorded()
	sp.Rates = false
	best, _ = search(t, sp, func(c Candidate) bool { return slices.Contains(c.Events, 4) })
	require.Equal(t, 1.0, best.RateScale, "a schedule with no rates keeps its scale")
}

func TestSearchOfATestWithoutKnobsOnlyDropsEvents(t *testing.T) {
	sp := Space{At: recorded().At}
	best, _ := search(t, sp, func(c Candidate) bool { return slices.Contains(c.Events, 3) && slices.Contains(c.Events, 11) })
	require.Equal(t, Candidate{Events: []int{3, 11}, RateScale: 1}, best)
}

func TestSearchStopsAtItsBudgetWithTheBestSoFar(t *testing.T) {
	sp := recorded()
	best, trials, err := Search(context.Background(), sp, 3, func(_ context.Context, c Candidate) (bool, error) {
		return c.Duration >= 2*time.Second, nil
	})
	require.NoError(t, err)
	require.Equal(t, 3, trials)
	require.Empty(t, best.Events, "the first trial, no events, held")
	require.Less(t, best.Duration, sp.Duration, "two bisection steps shortened the run")
	require.GreaterOrEqual(t, best.Duration, 2*time.Second)
	require.Equal(t, sp.Clients, best.Clients, "the budget ran out before the clients")
}

// A candidate of a distlab chaos run is a schedule whose command line
// sets its knobs, whose events happen within its duration and whose rates
// are scaled; it reads back as a schedule (what DISTLAB_REPLAY loads).
func TestACandidateScheduleCarriesItsKnobsInItsCommand(t *testing.T) {
	rec := &labtest.Schedule{Version: 1, Seed: 7, Test: "chaos-kvraft",
		Command: []string{"distlab", "chaos", "kvraft", "-seed", "7"}}
	nemesis := []labtest.Event{
		{At: time.Second, Kind: labtest.KindCrash, By: labtest.ByNemesis, Cluster: "server", Server: 1},
		{At: 2 * time.Second, Kind: labtest.KindLossy, By: labtest.ByNemesis, Cluster: "server", From: 0, To: 1, Rate: 0.5, For: time.Second},
		{At: 4 * time.Second, Kind: labtest.KindCrash, By: labtest.ByNemesis, Cluster: "server", Server: 2},
	}
	sp := Space{At: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, Duration: 10 * time.Second, Clients: 3, Rates: true}
	c := Candidate{Events: []int{1, 2}, Duration: 3 * time.Second, Clients: 1, RateScale: 0.5}
	s := sp.schedule(rec, nemesis, c)
	require.Equal(t, []string{"distlab", "chaos", "kvraft", "-seed", "7", "-duration", "3s", "-clients", "1"}, s.Command)
	require.Len(t, s.Events, 1, "the crash at 4 s is past the 3 s run")
	require.Equal(t, 0.25, s.Events[0].Rate)
	require.Equal(t, 0.5, nemesis[1].Rate, "the recorded event is unchanged")
	require.Equal(t, Measure{Events: 1, Span: 2 * time.Second, Duration: 3 * time.Second, Clients: 1, RateScale: 0.5}, sp.measure(nemesis, c))

	file := filepath.Join(t.TempDir(), "minimal.json")
	b, err := s.Marshal()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, b, 0o644))
	back, err := labtest.LoadSchedule(file)
	require.NoError(t, err)
	require.Equal(t, s.Command, back.Command)
	require.Equal(t, s.Events[0].Rate, back.Events[0].Rate)

	s = sp.schedule(rec, nemesis, Candidate{Events: []int{0}, Duration: sp.Duration, Clients: sp.Clients, RateScale: 1})
	require.Equal(t, rec.Command, s.Command, "knobs as recorded leave the command as it was")

	rec.Command = []string{"distlab", "chaos", "kvraft", "-clients=4", "-duration", "10s", "-seed", "7"}
	s = sp.schedule(rec, nemesis, c)
	require.Equal(t, []string{"distlab", "chaos", "kvraft", "-clients=1", "-duration", "3s", "-seed", "7"}, s.Command,
		"a knob the command sets is changed in place")
	require.Equal(t, "10s", rec.Command[5], "the recorded command is unchanged")
}
