// Package replay re-runs a failure recorded by labtest — a failure artefact
// folder, or its schedule.json — several times under its schedule and seed,
// and measures how often the failure comes back. It is the logic of the
// "distlab replay" command, and of "distlab shrink" (shrink.go), which
// searches for a smaller schedule that still fails.
//
// A test that ran under go test is rebuilt once (go test -c, in the
// package's folder) and its binary run N times with -test.run selecting the
// one test, DISTLAB_REPLAY naming the schedule and DISTLAB_SEED its seed. A
// test that ran through labtest.Main (a distlab command such as chaos) is
// replayed by running its recorded command line N times with the same
// environment.
//
// Goroutine interleaving at one instant of virtual time is the Go
// scheduler's, so a seed and a schedule do not always reproduce a failure:
// the reproduction rate is the figure this package reports.
package replay

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"distlab/internal/runner"
	"distlab/labtest"
)

// Options says how to replay.
type Options struct {
	Count   int    // runs (default 10)
	Race    bool   // build with -race
	Overlay string // a go build -overlay file: build the test from changed copies of files (a mutant's)
	Verbose bool   // copy every run's output, not only the first failing one's
	GoCmd   string // the go command (default "go")
	Keep    bool   // keep each run's artefacts (in a folder that is printed)
}

// Result is what a replay measured.
type Result struct {
	Runs, Failed int           // runs done, and how many of them failed (reproduced the failure)
	Wall         time.Duration // total wall time of the runs
}

// Command runs the replay command line: flags, then one path (an artefact
// folder or a schedule.json). It returns the exit status: 0 if the failure
// came back at least once, 1 if it never did, 2 on bad usage or a broken
// setup.
func Command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.IntVar(&o.Count, "count", 10, "make `N` runs")
	fs.BoolVar(&o.Race, "race", false, "build the test with the race detector")
	fs.StringVar(&o.Overlay, "overlay", "", "build the test with go build -overlay `FILE` (distlab mutants -keep writes one per mutant)")
	fs.BoolVar(&o.Verbose, "v", false, "print the output of every run")
	fs.BoolVar(&o.Keep, "keep", false, "keep the failure artefacts of every run")
	fs.StringVar(&o.GoCmd, "go", "go", "the go `command` that builds the test")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	if o.Count < 1 {
		fmt.Fprintf(stderr, "distlab replay: -count must be at least 1, not %d\n", o.Count)
		return 2
	}
	res, err := Replay(fs.Arg(0), o, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "distlab replay: %v\n", err)
		return 2
	}
	if res.Failed == 0 {
		return 1
	}
	return 0
}

const usage = `usage: distlab replay [flags] DIR|schedule.json

Re-runs a failed test under its recorded failure schedule and seed, -count
times, and reports how often it fails again. DIR is a failure artefact
folder (a failing test prints it as "distlab: artifacts=DIR"); a
schedule.json from one works too. A go test test is rebuilt once in its
package (run this inside the test's module); a test run by a distlab
command (distlab chaos) is replayed by running that command again.
Goroutine interleaving is still the Go scheduler's, so the reproduction
rate is a measured figure: a low one says the failure depends on timing
that a seed does not fix.

Exit status: 0 if the failure came back at least once, 1 if it never did,
2 for bad usage or a broken setup.

Examples:

	distlab replay /tmp/distlab-TestFigure8-123
	    run the failed test 10 times under its schedule and seed
	distlab replay -count 50 -race -keep /tmp/distlab-TestFigure8-123/schedule.json
	    50 runs with the race detector, keeping every run's artefacts

Flags:
`

// SchedulePath returns the schedule.json named by path: path itself, or
// the schedule.json in the folder path.
func SchedulePath(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("no artefact folder or schedule at %s: %w", path, err)
	}
	if st.IsDir() {
		path = filepath.Join(path, labtest.ScheduleFile)
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("%s is not a failure artefact folder (it has no %s): %w", filepath.Dir(path), labtest.ScheduleFile, err)
		}
	}
	return filepath.Abs(path)
}

// Replay runs the recorded test o.Count times and prints one line per run
// and a summary ("reproduced 7/10 (70%)") to out.
func Replay(path string, o Options, out io.Writer) (Result, error) {
	if o.Count < 1 {
		o.Count = 10
	}
	if o.GoCmd == "" {
		o.GoCmd = "go"
	}
	sched, err := SchedulePath(path)
	if err != nil {
		return Result{}, err
	}
	s, err := labtest.LoadSchedule(sched)
	if err != nil {
		return Result{}, err
	}
	if s.Test == "" {
		return Result{}, fmt.Errorf("%s names no test: a hand-written schedule is played with Cluster.Apply in a test, not replayed", sched)
	}
	artefacts, err := os.MkdirTemp("", "distlab-replay-")
	if err != nil {
		return Result{}, fmt.Errorf("making a folder for the runs' artefacts: %w", err)
	}
	if !o.Keep {
		defer os.RemoveAll(artefacts)
	}
	p, err := NewPlayer(s, sched, o, out)
	if err != nil {
		return Result{}, err
	}
	defer p.Close()
	fmt.Fprintf(out, "replaying %s, seed=%d, %d runs\n", p.what, s.Seed, o.Count)
	var res Result
	shown := false
	for i := 1; i <= o.Count; i++ {
		failed, output, wall, err := p.Play(sched, s.Seed, artefacts)
		if err != nil {
			return res, err
		}
		res.Runs++
		res.Wall += wall
		verdict := "pass"
		if failed {
			verdict = "FAIL"
			res.Failed++
		}
		fmt.Fprintf(out, "run %d/%d: %s (%v wall)\n", i, o.Count, verdict, wall.Round(time.Millisecond))
		if o.Verbose || (failed && !shown) {
			shown = true
			out.Write(indent(output))
		}
	}
	fmt.Fprintf(out, "reproduced %d/%d (%.0f%%)\n", res.Failed, res.Runs, 100*float64(res.Failed)/float64(res.Runs))
	if o.Keep {
		fmt.Fprintf(out, "artefacts of the runs: %s\n", artefacts)
	}
	return res, nil
}

// A Player re-runs one recorded test — built once — under any schedule of
// that test: the recorded one, or a changed one (distlab shrink). It is
// not safe for concurrent use.
type Player struct {
	argv    []string
	dir     string
	what    string // the test, for messages
	cleanup func()
}

// NewPlayer prepares the test that s (read from path) records: it builds
// the test binary of its package, or takes its recorded command line.
func NewPlayer(s *labtest.Schedule, path string, o Options, out io.Writer) (*Player, error) {
	if o.GoCmd == "" {
		o.GoCmd = "go"
	}
	switch {
	case len(s.Command) > 0:
		return &Player{argv: s.Command, what: s.Test + " (" + strings.Join(s.Command, " ") + ")", cleanup: func() {}}, nil
	case s.Package != "":
		bin, pkgDir, cleanup, err := build(o, s.Package, out)
		if err != nil {
			return nil, err
		}
		argv := []string{bin, "-test.run=" + runPattern(s.Test), "-test.count=1", "-test.v=true"}
		return &Player{argv: argv, dir: pkgDir, what: s.Test + " in " + s.Package, cleanup: cleanup}, nil
	}
	return nil, fmt.Errorf("%s names neither a package nor a command to run test %s", path, s.Test)
}

// Play runs the test once under the schedule file sched and seed, writing
// a failure's artefacts under the folder artefacts, and reports whether it
// failed, with its output.
func (p *Player) Play(sched string, seed int64, artefacts string) (failed bool, output []byte, wall time.Duration, err error) {
	return p.play(nil, sched, seed, artefacts)
}

// play is Play with the command line argv instead of the recorded one (a
// shrink candidate's, its knobs set) unless argv is empty.
func (p *Player) play(argv []string, sched string, seed int64, artefacts string) (failed bool, output []byte, wall time.Duration, err error) {
	start := time.Now()
	if len(argv) == 0 {
		argv = p.argv
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(),
		labtest.EnvReplay+"="+sched,
		labtest.EnvSeed+"="+strconv.FormatInt(seed, 10),
		labtest.EnvArtifacts+"="+artefacts,
		labtest.EnvMain+"=", // a replayed command starts its own child
	)
	output, err = cmd.CombinedOutput()
	wall = time.Since(start)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return false, output, wall, nil
	case errors.As(err, &exit):
		return true, output, wall, nil
	}
	return false, output, wall, fmt.Errorf("running %s: %w", p.argv[0], err)
}

// Close removes what NewPlayer built.
func (p *Player) Close() { p.cleanup() }

// build compiles the package's test binary once and returns it with the
// package's folder, where the tests must run (they read testdata/).
func build(o Options, pkg string, out io.Writer) (bin, dir string, cleanup func(), err error) {
	list := exec.Command(o.GoCmd, "list", "-f", "{{.Dir}}", pkg)
	b, err := list.CombinedOutput()
	if err != nil {
		return "", "", nil, fmt.Errorf("finding package %s (run distlab replay inside its module): %w\n%s", pkg, err, b)
	}
	dir = strings.TrimSpace(string(b))
	tmp, err := os.MkdirTemp("", "distlab-replay-bin-")
	if err != nil {
		return "", "", nil, fmt.Errorf("making a folder for the test binary: %w", err)
	}
	cleanup = func() { os.RemoveAll(tmp) }
	bin = filepath.Join(tmp, "replay.test")
	fmt.Fprintf(out, "building %s\n", pkg)
	var flags []string
	if o.Overlay != "" {
		flags = []string{"-overlay", o.Overlay}
	}
	if err := runner.BuildTestBinary(context.Background(), o.GoCmd, "", pkg, bin, o.Race, flags...); err != nil {
		cleanup()
		return "", "", nil, err
	}
	return bin, dir, cleanup, nil
}

// runPattern turns a test name ("TestX" or "TestX/sub") into a -run
// pattern that matches it alone.
func runPattern(test string) string {
	parts := strings.Split(test, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

func indent(b []byte) []byte {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return []byte("    " + strings.Join(lines, "\n    ") + "\n")
}
