package replay

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"distlab/labtest"
	"distlab/labtest/chaos"
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
// the last one, the run's knobs, and how often K replays of it failed.
type Measure struct {
	Events int
	Span   time.Duration // the last event's time
	// Duration and Clients are the run's -duration and -clients (0 when
	// the test has no such knob); RateScale multiplies the recorded rates
	// of its lossy and duplicate events.
	Duration    time.Duration
	Clients     int
	RateScale   float64
	Failed, Ran int
}

func (m Measure) rate() string {
	if m.Ran == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", m.Failed, m.Ran, 100*float64(m.Failed)/float64(m.Ran))
}

// Shrink searches for a smaller schedule that still makes the recorded
// test fail (Search): fewer nemesis events (the events the test applied
// itself are applied by its code, not the schedule), and for a run of a
// distlab chaos command also a shorter run (-duration) and fewer clients
// (-clients); lower rates of its lossy and duplicate events. Each
// candidate is replayed up to K times under the recorded seed and kept if
// at least Rate of the replays fail. It writes the smallest schedule found
// — one that DISTLAB_REPLAY and Cluster.Apply (a testdata regression
// table) both accept; a shrunk command's -duration and -clients are set in its command line
// — and keeps the artefacts of a failing run of it.
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
	sp := Space{}
	var nemesis []labtest.Event
	for _, e := range s.Events {
		if e.By == labtest.ByNemesis {
			nemesis = append(nemesis, e)
			sp.At = append(sp.At, e.At)
			sp.Rates = sp.Rates || e.Rate > 0
		}
	}
	if len(s.Command) > 0 {
		sp.Duration, sp.Clients = knobs(filepath.Dir(sched))
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

	// candidate writes the schedule of c and returns the command line
	// that runs it (nil: the recorded test's).
	candidate := func(c Candidate, file string) ([]string, error) {
		cs := sp.schedule(s, nemesis, c)
		b, err := cs.Marshal()
		if err != nil {
			return nil, err
		}
		return cs.Command, os.WriteFile(file, b, 0o644)
	}
	// replays runs c up to K times, stopping once the verdict is sure
	// unless all is set, and measures it.
	replays := func(c Candidate, file string, all bool, artefacts string) (Measure, error) {
		m := sp.measure(nemesis, c)
		argv, err := candidate(c, file)
		if err != nil {
			return m, err
		}
		for m.Ran < o.K {
			if ctx.Err() != nil {
				return m, ctx.Err()
			}
			f, _, _, err := p.play(argv, file, s.Seed, artefacts)
			if err != nil {
				return m, err
			}
			m.Ran++
			if f {
				m.Failed++
			}
			if !all && (m.Failed >= need || m.Failed+o.K-m.Ran < need) {
				break
			}
		}
		return m, nil
	}
	recorded := Candidate{Duration: sp.Duration, Clients: sp.Clients, RateScale: 1}
	for i := range nemesis {
		recorded.Events = append(recorded.Events, i)
	}
	res := &ShrinkResult{Minimal: o.Out}
	fmt.Fprintf(out, "shrinking %s: %d nemesis events, seed %d; a candidate must fail %d of %d replays\n",
		s.Test, len(nemesis), s.Seed, need, o.K)
	res.Before, err = replays(recorded, filepath.Join(tmp, "original.json"), true, tmp)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "the recorded schedule fails %s\n", res.Before.rate())
	if res.Before.Failed < need {
		return res, fmt.Errorf("the recorded schedule fails only %s of its replays, below the %d of %d a candidate needs: lower -rate or raise -k",
			res.Before.rate(), need, o.K)
	}
	n := 0
	best, trials, err := Search(ctx, sp, o.MaxTrials, func(ctx context.Context, c Candidate) (bool, error) {
		n++
		m, err := replays(c, filepath.Join(tmp, fmt.Sprintf("candidate-%d.json", n)), false, tmp)
		if err != nil {
			return false, err
		}
		ok := m.Failed >= need
		fmt.Fprintf(out, "candidate %d: %s, %d/%d failed: %s\n", n, m.knobs(), m.Failed, m.Ran, map[bool]string{true: "kept", false: "dropped"}[ok])
		return ok, nil
	})
	res.Trials = trials
	if err != nil && ctx.Err() == nil {
		return nil, err
	}
	report := filepath.Join(filepath.Dir(o.Out), "minimal-report")
	os.RemoveAll(report)
	if err := os.MkdirAll(report, 0o755); err != nil {
		return nil, err
	}
	res.After, err = replays(best, o.Out, true, report)
	if err != nil && ctx.Err() == nil {
		return nil, err
	}
	if entries, _ := os.ReadDir(report); len(entries) > 0 {
		res.Report = filepath.Join(report, entries[0].Name())
	}
	return res, nil
}

// knobs reads the recorded run's -duration and -clients from the chaos
// summary in its artefact folder (0, 0 when there is none).
func knobs(dir string) (time.Duration, int) {
	b, err := os.ReadFile(filepath.Join(dir, chaos.SummaryFile))
	if err != nil {
		return 0, 0
	}
	var sum chaos.Summary
	if json.Unmarshal(b, &sum) != nil {
		return 0, 0
	}
	return sum.Duration, sum.Clients
}

// schedule is the schedule of candidate c: its kept events that happen
// within its duration, their rates scaled, and for a command its command
// line with the knobs that differ from the recorded ones set (so that it
// replays as is).
func (sp Space) schedule(s *labtest.Schedule, nemesis []labtest.Event, c Candidate) *labtest.Schedule {
	cs := &labtest.Schedule{Version: s.Version, Seed: s.Seed, Package: s.Package, Test: s.Test,
		Servers: s.Servers, Events: []labtest.Event{}}
	for _, i := range c.Events {
		e := nemesis[i]
		if c.Duration > 0 && e.At >= c.Duration {
			continue
		}
		e.Rate *= c.RateScale
		cs.Events = append(cs.Events, e)
	}
	if len(s.Command) > 0 {
		cs.Command = slices.Clone(s.Command)
		if c.Duration != sp.Duration {
			cs.Command = setFlag(cs.Command, "duration", c.Duration.String())
		}
		if c.Clients != sp.Clients {
			cs.Command = setFlag(cs.Command, "clients", strconv.Itoa(c.Clients))
		}
	}
	return cs
}

// setFlag sets flag -name to value in the command line argv: in place
// where argv has it ("-name v", "--name v", "-name=v"), else appended.
func setFlag(argv []string, name, value string) []string {
	for i, a := range argv {
		switch {
		case (a == "-"+name || a == "--"+name) && i+1 < len(argv):
			argv[i+1] = value
			return argv
		case strings.HasPrefix(a, "-"+name+"=") || strings.HasPrefix(a, "--"+name+"="):
			argv[i] = "-" + name + "=" + value
			return argv
		}
	}
	return append(argv, "-"+name, value)
}

// measure describes candidate c before it is replayed.
func (sp Space) measure(nemesis []labtest.Event, c Candidate) Measure {
	m := Measure{Duration: c.Duration, Clients: c.Clients, RateScale: c.RateScale}
	for _, i := range c.Events {
		if c.Duration == 0 || nemesis[i].At < c.Duration {
			m.Events++
			m.Span = nemesis[i].At
		}
	}
	return m
}

// knobs describes a measured candidate in a few words.
func (m Measure) knobs() string {
	s := fmt.Sprintf("%d events", m.Events)
	if m.Duration > 0 {
		s += fmt.Sprintf(", %v run", m.Duration)
	}
	if m.Clients > 0 {
		s += fmt.Sprintf(", %d clients", m.Clients)
	}
	if m.RateScale != 1 {
		s += fmt.Sprintf(", rates x%.3g", m.RateScale)
	}
	return s
}

// WriteShrinkResult prints the before/after table: nemesis events, the
// run's virtual duration (its -duration, or the last event's time when
// the test has no such knob), clients, the rates' scale and the
// reproduction rate.
func WriteShrinkResult(w io.Writer, r *ShrinkResult) {
	row := func(name string, m Measure) {
		d, c := m.Duration, "-"
		if d == 0 {
			d = m.Span
		}
		if m.Clients > 0 {
			c = strconv.Itoa(m.Clients)
		}
		fmt.Fprintf(w, "%-9s %7d %10v %8s %6.3g %s\n", name, m.Events, d, c, m.RateScale, m.rate())
	}
	fmt.Fprintf(w, "\n%-9s %7s %10s %8s %6s %s\n", "", "EVENTS", "DURATION", "CLIENTS", "RATES", "REPRODUCED")
	row("before", r.Before)
	row("minimal", r.After)
	fmt.Fprintf(w, "%d candidates tried\nminimal schedule: %s\n", r.Trials, r.Minimal)
	if r.Report != "" {
		fmt.Fprintf(w, "a failing run of it: %s\n", r.Report)
	}
}

const shrinkUsage = `usage: distlab shrink [flags] DIR|schedule.json

Searches for a smaller failure schedule that still makes a recorded
failure happen. DIR is a failure artefact folder (or its schedule.json).
One dimension after the other: the events the nemesis applied are dropped
by delta debugging; a run of distlab chaos is shortened (-duration, to
100 ms) and given fewer clients (-clients); the rates of lossy and
duplicate events are lowered. Each candidate is replayed up to -k times
under the recorded seed, and kept if at least -rate of them fail. The
result, minimal.json beside the schedule (or -o), is a schedule that
DISTLAB_REPLAY and a testdata regression table (Cluster.Apply) accept as
is (a chaos run's shrunk flags are in its command line); the artefacts of
a failing run of it are kept in minimal-report/. It prints the events,
the virtual duration, the clients, the rates' scale and the reproduction
rate before and after.

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
