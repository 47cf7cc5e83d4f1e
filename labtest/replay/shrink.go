package replay

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"distlab/labtest"
	"distlab/labtest/campaign"
)

// ShrinkOptions say how to shrink a failure's schedule.
type ShrinkOptions struct {
	K         int     // replays of each candidate (default 5)
	Rate      float64 // a candidate is kept if at least this fraction of its K replays fail (default 0.6)
	MaxTrials int     // candidates to try at most (0: no limit)
	Out       string  // where to write the minimal schedule (default minimal.json beside the schedule)
	Race      bool
	Overlay   string // a go build -overlay file for the test (a mutant's)
	GoCmd     string
}

// A ShrinkResult compares the failure before and after shrinking.
type ShrinkResult struct {
	Before, After Measure
	Trials        int    // candidates tried
	Minimal       string // the minimal schedule's path
	Report        string // the artefact folder of a failing run of the minimal schedule ("" if none failed)
}

// A Measure describes one schedule: its nemesis events, the virtual time of
// the last one, and how often K replays of it failed.
type Measure struct {
	Events      int
	Span        time.Duration
	Failed, Ran int
}

func (m Measure) rate() string {
	if m.Ran == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", m.Failed, m.Ran, 100*float64(m.Failed)/float64(m.Ran))
}

// Shrink searches for a smaller schedule that still makes the recorded
// test fail: it drops the nemesis's events by delta debugging (the events
// the test applied itself are applied by its code, not the schedule), each
// candidate replayed up to K times under the recorded seed and kept if at
// least Rate of the replays fail. It writes the smallest schedule found —
// one that DISTLAB_REPLAY and Cluster.Apply (a testdata regression table)
// both accept — and keeps the artefacts of a failing run of it.
func Shrink(ctx context.Context, path string, o ShrinkOptions, out io.Writer) (*ShrinkResult, error) {
	if o.K < 1 {
		o.K = 5
	}
	if o.Rate <= 0 || o.Rate > 1 {
		o.Rate = 0.6
	}
	sched, err := SchedulePath(path)
	if err != nil {
		return nil, err
	}
	s, err := labtest.LoadSchedule(sched)
	if err != nil {
		return nil, err
	}
	if s.Test == "" {
		return nil, fmt.Errorf("%s names no test to replay", sched)
	}
	if o.Out == "" {
		o.Out = filepath.Join(filepath.Dir(sched), "minimal.json")
	}
	var nemesis []labtest.Event
	for _, e := range s.Events {
		if e.By == labtest.ByNemesis {
			nemesis = append(nemesis, e)
		}
	}
	p, err := NewPlayer(s, sched, Options{Race: o.Race, Overlay: o.Overlay, GoCmd: o.GoCmd}, out)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	tmp, err := os.MkdirTemp("", "distlab-shrink-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	need := max(1, int(math.Ceil(o.Rate*float64(o.K))))

	// candidate writes the schedule of the kept nemesis events.
	candidate := func(keep []int, file string) (*labtest.Schedule, error) {
		c := &labtest.Schedule{Version: s.Version, Seed: s.Seed, Package: s.Package, Test: s.Test,
			Servers: s.Servers, Command: s.Command, Events: []labtest.Event{}}
		for _, i := range keep {
			c.Events = append(c.Events, nemesis[i])
		}
		b, err := c.Marshal()
		if err != nil {
			return nil, err
		}
		return c, os.WriteFile(file, b, 0o644)
	}
	// replays runs file up to K times, stopping once the verdict is sure
	// unless all is set, and returns the failures and runs.
	replays := func(file string, all bool, artefacts string) (failed, ran int, err error) {
		for ran < o.K {
			if ctx.Err() != nil {
				return failed, ran, ctx.Err()
			}
			f, _, _, err := p.Play(file, s.Seed, artefacts)
			if err != nil {
				return failed, ran, err
			}
			ran++
			if f {
				failed++
			}
			if !all && (failed >= need || failed+o.K-ran < need) {
				break
			}
		}
		return failed, ran, nil
	}
	all := make([]int, len(nemesis))
	for i := range all {
		all[i] = i
	}
	res := &ShrinkResult{Minimal: o.Out}
	fmt.Fprintf(out, "shrinking %s: %d nemesis events, seed %d; a candidate must fail %d of %d replays\n",
		s.Test, len(nemesis), s.Seed, need, o.K)
	origFile := filepath.Join(tmp, "original.json")
	if _, err := candidate(all, origFile); err != nil {
		return nil, err
	}
	res.Before = Measure{Events: len(nemesis), Span: span(nemesis, all)}
	res.Before.Failed, res.Before.Ran, err = replays(origFile, true, tmp)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "the recorded schedule fails %s\n", res.Before.rate())
	if res.Before.Failed < need {
		return res, fmt.Errorf("the recorded schedule fails only %s of its replays, below the %d of %d a candidate needs: lower -rate or raise -k",
			res.Before.rate(), need, o.K)
	}
	n := 0
	keep, trials, err := campaign.ShrinkList(ctx, len(nemesis), o.MaxTrials, func(ctx context.Context, keep []int) (bool, error) {
		n++
		file := filepath.Join(tmp, fmt.Sprintf("candidate-%d.json", n))
		if _, err := candidate(keep, file); err != nil {
			return false, err
		}
		failed, ran, err := replays(file, false, tmp)
		if err != nil {
			return false, err
		}
		ok := failed >= need
		fmt.Fprintf(out, "candidate %d: %d events, %d/%d failed: %s\n", n, len(keep), failed, ran, map[bool]string{true: "kept", false: "dropped"}[ok])
		return ok, nil
	})
	res.Trials = trials
	if err != nil && ctx.Err() == nil {
		return nil, err
	}
	if _, err := candidate(keep, o.Out); err != nil {
		return nil, err
	}
	report := filepath.Join(filepath.Dir(o.Out), "minimal-report")
	os.RemoveAll(report)
	if err := os.MkdirAll(report, 0o755); err != nil {
		return nil, err
	}
	res.After = Measure{Events: len(keep), Span: span(nemesis, keep)}
	res.After.Failed, res.After.Ran, err = replays(o.Out, true, report)
	if err != nil && ctx.Err() == nil {
		return nil, err
	}
	if entries, _ := os.ReadDir(report); len(entries) > 0 {
		res.Report = filepath.Join(report, entries[0].Name())
	}
	return res, nil
}

func span(evs []labtest.Event, keep []int) time.Duration {
	if len(keep) == 0 {
		return 0
	}
	return evs[keep[len(keep)-1]].At
}

// WriteShrinkResult prints the before/after table.
func WriteShrinkResult(w io.Writer, r *ShrinkResult) {
	fmt.Fprintf(w, "\n%-9s %7s %12s %s\n", "", "EVENTS", "LAST EVENT", "REPRODUCED")
	fmt.Fprintf(w, "%-9s %7d %12v %s\n", "before", r.Before.Events, r.Before.Span, r.Before.rate())
	fmt.Fprintf(w, "%-9s %7d %12v %s\n", "minimal", r.After.Events, r.After.Span, r.After.rate())
	fmt.Fprintf(w, "%d candidates tried\nminimal schedule: %s\n", r.Trials, r.Minimal)
	if r.Report != "" {
		fmt.Fprintf(w, "a failing run of it: %s\n", r.Report)
	}
}

const shrinkUsage = `usage: distlab shrink [flags] DIR|schedule.json

Searches for a smaller failure schedule that still makes a recorded
failure happen. DIR is a failure artefact folder (or its schedule.json).
The events the nemesis applied are dropped by delta debugging — each
candidate replayed up to -k times under the recorded seed, and kept if at
least -rate of them fail — until no single chunk can go. The result,
minimal.json beside the schedule (or -o), is a schedule that
DISTLAB_REPLAY and a testdata regression table (Cluster.Apply) accept as
is; the artefacts of a failing run of it are kept in minimal-report/.
It prints the events, the time of the last one and the reproduction rate
before and after.

Exit status: 0 when a schedule was written, 1 when the recorded failure
does not reproduce often enough to shrink, 2 for bad usage.

Examples:

	distlab shrink /tmp/distlab-TestFigure8-123
	distlab shrink -k 10 -rate 0.3 -o testdata/figure8-minimal.json /tmp/distlab-TestFigure8-123

Flags:
`

// ShrinkCommand is "distlab shrink".
func ShrinkCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distlab shrink", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o ShrinkOptions
	fs.IntVar(&o.K, "k", 5, "replay each candidate up to `K` times")
	fs.Float64Var(&o.Rate, "rate", 0.6, "keep a candidate if at least `FRACTION` of its replays fail")
	fs.IntVar(&o.MaxTrials, "max", 0, "try at most `N` candidates (0: until minimal)")
	fs.StringVar(&o.Out, "o", "", "write the minimal schedule to `FILE` (default minimal.json beside the schedule)")
	fs.BoolVar(&o.Race, "race", false, "build the test with the race detector")
	fs.StringVar(&o.Overlay, "overlay", "", "build the test with go build -overlay `FILE` (distlab mutants -keep writes one per mutant)")
	fs.StringVar(&o.GoCmd, "go", "go", "the go `command` that builds the test")
	fs.Usage = func() {
		fmt.Fprint(stderr, shrinkUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fs.NArg() != 1:
		fs.Usage()
		return 2
	case o.K < 1:
		fmt.Fprintf(stderr, "distlab shrink: -k %d: want at least 1 replay\n", o.K)
		return 2
	case o.Rate <= 0 || o.Rate > 1:
		fmt.Fprintf(stderr, "distlab shrink: -rate %v: want a fraction above 0, at most 1\n", o.Rate)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := Shrink(ctx, fs.Arg(0), o, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "distlab shrink: %v\n", err)
		if res != nil {
			return 1
		}
		return 2
	}
	WriteShrinkResult(stdout, res)
	return 0
}
