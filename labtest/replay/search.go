package replay

import (
	"context"
	"errors"
	"time"

	"distlab/labtest/campaign"
)

// A Candidate is one point of the shrinking search: which of the recorded
// nemesis events are kept, and the run's knobs.
type Candidate struct {
	Events []int // indices of the kept nemesis events, in order
	// Duration is how long the run's nemesis runs (distlab chaos
	// -duration); 0 when the recorded test has no such knob.
	Duration time.Duration
	// Clients is the run's concurrent clients (distlab chaos -clients); 0
	// when the recorded test has no such knob.
	Clients int
	// RateScale multiplies the rate of every lossy and duplicate event
	// (1: as recorded).
	RateScale float64
}

// A Space is the recorded run that the search shrinks: its nemesis
// events' times and its knobs (0: not a knob of this test).
type Space struct {
	At       []time.Duration // each nemesis event's time, in order
	Duration time.Duration   // the recorded -duration
	Clients  int             // the recorded -clients
	Rates    bool            // some event has a rate to lower
}

// DurationStep is the granularity in which the search shortens a run.
const DurationStep = 100 * time.Millisecond

// RateSteps is the number of steps in which the search lowers the fault
// rates: a candidate scales every rate by i/RateSteps.
const RateSteps = 16

// Search shrinks a recorded failure one dimension after the other, each
// holding the others at their best value so far: the nemesis events (delta
// debugging, campaign.ShrinkList), then the run's duration (to the
// DurationStep), its clients, and its fault rates (each by bisection:
// the smallest value that still fails, assuming a larger one fails too).
// trial replays a candidate and reports whether it failed often enough;
// the recorded run (every event, every knob as recorded, rates unscaled)
// is assumed to. It stops early, with the smallest candidate found so
// far, when ctx is done or after maxTrials trials (0: no limit), and
// returns the candidate and how many trials it made.
func Search(ctx context.Context, sp Space, maxTrials int, trial func(context.Context, Candidate) (bool, error)) (Candidate, int, error) {
	best := Candidate{Duration: sp.Duration, Clients: sp.Clients, RateScale: 1}
	for i := range sp.At {
		best.Events = append(best.Events, i)
	}
	keep, trials, err := campaign.ShrinkList(ctx, len(sp.At), maxTrials, func(ctx context.Context, keep []int) (bool, error) {
		c := best
		c.Events = keep
		return trial(ctx, c)
	})
	if err != nil {
		return best, trials, err
	}
	best.Events = keep
	try := func(c Candidate) (bool, error) {
		if ctx.Err() != nil || (maxTrials > 0 && trials >= maxTrials) {
			return false, errBudget
		}
		trials++
		return trial(ctx, c)
	}
	if sp.Duration > 0 {
		// A run must outlast its last kept event, or that event is not
		// applied.
		var last time.Duration
		if n := len(best.Events); n > 0 {
			last = sp.At[best.Events[n-1]]
		}
		lo := int(last/DurationStep) + 1
		hi := int((sp.Duration + DurationStep - 1) / DurationStep)
		at := func(n int) time.Duration { return min(time.Duration(n)*DurationStep, sp.Duration) }
		n, err := smallest(lo, hi, func(n int) (bool, error) {
			c := best
			c.Duration = at(n)
			return try(c)
		})
		best.Duration = at(n)
		if err != nil {
			return best, trials, stopped(err)
		}
	}
	if sp.Clients > 1 {
		n, err := smallest(1, sp.Clients, func(n int) (bool, error) {
			c := best
			c.Clients = n
			return try(c)
		})
		best.Clients = n
		if err != nil {
			return best, trials, stopped(err)
		}
	}
	if sp.Rates && len(best.Events) > 0 {
		n, err := smallest(1, RateSteps, func(n int) (bool, error) {
			c := best
			c.RateScale = float64(n) / RateSteps
			return try(c)
		})
		best.RateScale = float64(n) / RateSteps
		if err != nil {
			return best, trials, stopped(err)
		}
	}
	return best, trials, nil
}

// errBudget ends the search early; Search then returns its best so far.
var errBudget = errors.New("shrinking budget spent")

func stopped(err error) error {
	if errors.Is(err, errBudget) {
		return nil
	}
	return err
}

// smallest returns the smallest n in [lo, hi] for which holds, by
// bisection, assuming holds(hi) and that holds is monotone. On an error it
// returns the smallest n known to hold.
func smallest(lo, hi int, holds func(int) (bool, error)) (int, error) {
	for lo < hi {
		mid := lo + (hi-lo)/2
		ok, err := holds(mid)
		if err != nil {
			return hi, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi, nil
}
