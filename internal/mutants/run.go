package mutants

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"distlab/internal/runner"
	"distlab/labtest"
)

// Options say which mutants to build and how to test them.
type Options struct {
	Dir      string        // where go commands run; "" is the current folder
	Package  string        // the lab, as for go test: "./raft"
	Mutants  []string      // the names of the mutants to run; nil runs the whole catalogue
	Run      string        // select tests as distlab test -run does; "" runs every test
	Runs     int           // runs of each test against each mutant (default 1)
	Parallel int           // runs at a time (default: the runner's)
	Race     bool          // build with the race detector
	Timeout  time.Duration // per run, wall time; a run that takes longer counts as failed (killed the mutant)
	// VirtualTimeout, if not 0, is each run's DISTLAB_TIMEOUT: the harness
	// ends a test stuck that long on its own (virtual) clock, which a
	// livelocked mutant reaches in far less wall time than Timeout.
	VirtualTimeout time.Duration
	Baseline       bool // first run the tests against the unmutated lab, as a control
	Replays        int  // replays of each killed mutant's first failure; 0 measures no fidelity
	// Keep, if not "", is a folder that keeps, for each mutant, the
	// overlay that builds it and the artefacts of its failing runs, so that
	// a failure can be replayed or shrunk (distlab shrink -overlay).
	Keep string
	// Progress, if not nil, is told what happens, one line at a time.
	Progress func(line string)
}

// An Outcome is what the tests did to one mutant (or to the unmutated lab,
// for the baseline, whose Mutant has the name "(none)").
type Outcome struct {
	Mutant Mutant
	Err    error          // the mutant could not be built or tested
	Broken bool           // Err is the catalogue's fault (the mutant does not build), not an interruption
	Tests  []TestOutcome  // one per test, in the order the package lists them
	Runs   int            // runs done
	Failed int            // runs that failed
	Killed bool           // some run of some test failed
	First  *runner.Result // the first failing run, nil if none
	// Overlay is the kept go build -overlay file that builds the mutant
	// ("" unless Options.Keep).
	Overlay string
	Replay  *ReplayOutcome // the replays of First, nil if not measured
	Wall    time.Duration  // building and running, replays excluded
}

// A TestOutcome is one test's runs against one mutant.
type TestOutcome struct {
	Test     string `json:"test"`
	Runs     int    `json:"runs"`
	Failures int    `json:"failures"`
}

// A ReplayOutcome measures how often a failure comes back under its seed
// (and its schedule, when the harness wrote one).
type ReplayOutcome struct {
	Test         string
	Seed         string
	WithSchedule bool // DISTLAB_REPLAY named the failure's schedule.json
	Runs         int
	Reproduced   int // runs that failed again
	Err          error
}

// A Result is the outcome of a whole mutation run.
type Result struct {
	Package     string
	Catalogue   string
	Baseline    *Outcome // nil unless Options.Baseline
	Outcomes    []*Outcome
	Interrupted bool
	Elapsed     time.Duration
}

// Run builds each selected mutant of the lab's catalogue and runs the lab's
// tests against it. It returns the outcomes so far when ctx is cancelled
// (with Interrupted set); an error means nothing could be run.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Package == "" {
		o.Package = "."
	}
	if o.Runs < 1 {
		o.Runs = 1
	}
	say := o.Progress
	if say == nil {
		say = func(string) {}
	}
	dir, err := packageDir(ctx, o.Dir, o.Package)
	if err != nil {
		return nil, err
	}
	cat, err := LoadCatalogue(dir)
	if err != nil {
		return nil, err
	}
	selected, err := selectMutants(cat, o.Mutants)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Result{Package: o.Package, Catalogue: cat.Path}
	defer func() { res.Elapsed = time.Since(start) }()
	if o.Baseline {
		say(fmt.Sprintf("baseline: the tests of %s against the unmutated code, %d run(s) each", o.Package, o.Runs))
		b := runOne(ctx, o, cat, Mutant{Name: "(none)"}, nil, "")
		res.Baseline = b
		if b.Err != nil {
			if ctx.Err() != nil {
				res.Interrupted = true
				return res, nil
			}
			return nil, b.Err
		}
		say(fmt.Sprintf("baseline: %d/%d runs failed in %s", b.Failed, b.Runs, runner.FormatDuration(b.Wall)))
	}
	for i, m := range selected {
		if ctx.Err() != nil {
			res.Interrupted = true
			break
		}
		say(fmt.Sprintf("mutant %d/%d %s: building and testing", i+1, len(selected), m.Name))
		out := runOne(ctx, o, cat, m, nil, o.Keep)
		if ctx.Err() != nil {
			res.Interrupted = true
			if out.Runs > 0 {
				res.Outcomes = append(res.Outcomes, out)
			}
			break
		}
		res.Outcomes = append(res.Outcomes, out)
		say(fmt.Sprintf("mutant %d/%d %s: %s (%s)", i+1, len(selected), m.Name, verdict(out), runner.FormatDuration(out.Wall)))
		if out.Killed && o.Replays > 0 {
			out.Replay = replayFirst(ctx, o, cat, m, out.First)
			if r := out.Replay; r.Err == nil {
				say(fmt.Sprintf("mutant %d/%d %s: replayed %s seed %s: %d/%d failed again", i+1, len(selected), m.Name, r.Test, r.Seed, r.Reproduced, r.Runs))
			} else {
				say(fmt.Sprintf("mutant %d/%d %s: no replay: %v", i+1, len(selected), m.Name, r.Err))
			}
		}
	}
	return res, nil
}

func verdict(o *Outcome) string {
	switch {
	case o.Err != nil:
		return "ERROR: " + firstLine(o.Err.Error())
	case o.Killed:
		n := 0
		for _, t := range o.Tests {
			if t.Failures > 0 {
				n++
			}
		}
		return fmt.Sprintf("killed by %d of %d tests, %d/%d runs failed", n, len(o.Tests), o.Failed, o.Runs)
	default:
		return fmt.Sprintf("survived %d runs", o.Runs)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// selectMutants returns the named mutants of c, in the order asked, or all
// of them when names is empty.
func selectMutants(c *Catalogue, names []string) ([]Mutant, error) {
	if len(names) == 0 {
		return c.Mutants, nil
	}
	var ms []Mutant
	for _, n := range names {
		m, ok := c.Find(n)
		if !ok {
			var all []string
			for _, m := range c.Mutants {
				all = append(all, m.Name)
			}
			return nil, fmt.Errorf("%s has no mutant %q (it has %s)", c.Path, n, strings.Join(all, ", "))
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// packageDir returns the folder of the one package pattern names.
func packageDir(ctx context.Context, dir, pattern string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", pattern)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go list %s: %w\n%s", pattern, err, strings.TrimSpace(string(out)))
	}
	dirs := strings.Fields(string(out))
	if len(dirs) != 1 {
		return "", fmt.Errorf("%s names %d packages; give one lab, e.g. ./raft", pattern, len(dirs))
	}
	return dirs[0], nil
}

// runOne builds mutant m (the unmutated lab when m has no edits) and runs
// the selected tests against it, env added to each run's environment. With
// keep, the overlay and the failing runs' artefacts stay in keep/<mutant>.
func runOne(ctx context.Context, o Options, cat *Catalogue, m Mutant, env []string, keep string) *Outcome {
	out := &Outcome{Mutant: m}
	start := time.Now()
	defer func() { out.Wall = time.Since(start) }()
	var tmp string
	var err error
	if keep != "" && len(m.Edits) > 0 {
		tmp = filepath.Join(keep, m.Name)
		if err = os.RemoveAll(tmp); err == nil {
			err = os.MkdirAll(tmp, 0o755)
		}
	} else {
		tmp, err = os.MkdirTemp("", "distlab-mutant-")
		defer os.RemoveAll(tmp)
	}
	if err != nil {
		out.Err = err
		return out
	}
	var flags []string
	if len(m.Edits) > 0 {
		overlay, err := cat.WriteOverlay(m, tmp)
		if err != nil {
			out.Err, out.Broken = err, true
			return out
		}
		flags = []string{"-overlay", overlay}
		if keep != "" {
			out.Overlay = overlay
		}
	}
	ro := runner.Options{
		Dir: o.Dir, Packages: []string{o.Package}, Run: o.Run, Runs: o.Runs, Parallel: o.Parallel,
		Race: o.Race, Timeout: o.Timeout, OutDir: filepath.Join(tmp, "out"), BuildFlags: flags,
		Env: append([]string{labtest.EnvArtifacts + "=" + filepath.Join(tmp, "artefacts")}, env...),
	}
	if o.VirtualTimeout > 0 {
		ro.Env = append(ro.Env, labtest.EnvTimeout+"="+o.VirtualTimeout.String())
	}
	rep, err := runner.Run(ctx, ro)
	if err != nil && (rep == nil || errors.Is(err, runner.ErrNoTests)) {
		out.Err = err
		out.Broken = ctx.Err() == nil
		return out
	}
	var failed []*runner.Result
	for _, s := range rep.Tests {
		out.Tests = append(out.Tests, TestOutcome{Test: s.Test, Runs: s.Runs, Failures: s.Failures})
		out.Runs += s.Runs
		out.Failed += s.Failures
		failed = append(failed, s.Failed...)
	}
	out.First = first(failed)
	out.Killed = out.Failed > 0
	if out.First != nil && out.First.Artifacts != "" && out.Overlay == "" {
		// The artefacts live in tmp: keep the schedule for the replay.
		out.First.Artifacts = keepSchedule(out.First.Artifacts)
	}
	return out
}

// first returns the failing run to replay: the earliest (lowest
// iteration, then the package's test order) of those that printed a seed,
// else the earliest; nil if there is none.
func first(failed []*runner.Result) *runner.Result {
	var best *runner.Result
	better := func(r *runner.Result) bool {
		switch {
		case best == nil:
			return true
		case (r.Seed != "") != (best.Seed != ""):
			return r.Seed != ""
		}
		return r.Iteration < best.Iteration
	}
	for _, r := range failed {
		if better(r) {
			best = r
		}
	}
	return best
}

// keepSchedule copies an artefact folder's schedule.json to a folder that
// outlives the mutant's temporary one and returns that folder ("" when
// there is no schedule).
func keepSchedule(artefacts string) string {
	b, err := os.ReadFile(filepath.Join(artefacts, labtest.ScheduleFile))
	if err != nil {
		return ""
	}
	dir, err := os.MkdirTemp("", "distlab-mutant-failure-")
	if err != nil {
		return ""
	}
	if os.WriteFile(filepath.Join(dir, labtest.ScheduleFile), b, 0o644) != nil {
		return ""
	}
	return dir
}

// replayFirst re-runs the test of a mutant's first failure o.Replays times
// under its seed and schedule, and counts how often it fails again.
func replayFirst(ctx context.Context, o Options, cat *Catalogue, m Mutant, first *runner.Result) *ReplayOutcome {
	r := &ReplayOutcome{Test: first.Test, Seed: first.Seed}
	var env []string
	if first.Seed != "" {
		// A test that prints no seed draws no random numbers from the
		// harness (a unit test of one peer's rules): it is replayed as is.
		env = append(env, labtest.EnvSeed+"="+first.Seed)
	}
	if first.Artifacts != "" {
		if o.Keep == "" {
			defer os.RemoveAll(first.Artifacts) // keepSchedule's copy
		}
		env = append(env, labtest.EnvReplay+"="+filepath.Join(first.Artifacts, labtest.ScheduleFile))
		r.WithSchedule = true
	}
	ro := o
	ro.Run, ro.Runs, ro.Baseline = regexp.QuoteMeta(first.Test), o.Replays, false
	out := runOne(ctx, ro, cat, m, env, "")
	if out.Err != nil {
		r.Err = out.Err
		return r
	}
	r.Runs, r.Reproduced = out.Runs, out.Failed
	return r
}
