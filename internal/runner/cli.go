package runner

import (
	"bufio"

	"context"
	"distlab/labtest/campaign"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"
)

// Usage is the first line of "distlab test -h".
const Usage = "usage: distlab test [flags] [packages] [-run REGEXP] [-args test-binary-flags...]"

const help = `
Build each package's test binary once, then run each selected test N times,
P at a time, every run in a process of its own started from that binary (so
editing the code mid-run changes nothing, and one run's leftovers cannot
disturb the next). Shows live progress on a terminal, plain lines otherwise,
and ends with a table: runs, failures, mean ± sd wall time and the virtual
time the harness reported. Exit status: 0 if every run passed, 1 if any
failed, 2 for bad usage, 130 if interrupted (Ctrl-C prints the partial
table and kills every run in progress).

-run matches whole test names: -run TestElection runs TestElection, not
TestElectionAfterCrash; write -run 'TestElection.*' for both. As with go
test, a slash selects subtests: -run 'TestKV/Put' (each level whole too).
Packages are given as to go test (default "."). Flags may come before or
after them.

Each failing run's whole output is kept in the output folder (-o) as
<Test>-<run>.log, headed by the seed and artefact folder the harness
printed and the command that reproduces it. Each run has DISTLAB_ITERATION
set to its number; with -seed S, run i also gets DISTLAB_SEED=S+i-1, so a
whole campaign is reproducible.

Across machines: -shard i/n runs only shard i (from 0) of n: the k-th run
of the whole schedule (the first run of every test, then the second, ...)
belongs to shard k mod n, so n machines given the same command line and
i = 0..n-1 make every run exactly once, with the same seeds as one machine
would. Without -shard, $DISTLAB_SHARD ("i/n") or a Kubernetes Indexed Job's
$JOB_COMPLETION_INDEX with $DISTLAB_SHARDS (n) choose the shard. Write each
shard's -json file and combine them with "distlab merge" (which also
grades with -rubric); a shard's own score covers only its runs.

Everything after -args goes to every run of the test binaries, e.g.
-args -test.short.

WALL is each run's process wall time. With -race, every run's process
also pauses 1 s at exit for the race detector's last reports (GORACE's
atexit_sleep_ms); GORACE=atexit_sleep_ms=0 saves that second per run, at
the risk of missing a race that is reported only as the process exits.

Grading: -rubric FILE (.json or .toml) lists items, each worth points: one
test ("test", its exact name) or a group ("tests", a regexp matched against
whole names). An item needs "runs" passing runs of each of its tests
(default: the rubric's top-level runs, else 1) and gives credit by its
"partial" rule (default: the top-level one, else none):
  none   all the points if every test passed every run, else nothing;
  tests  points in proportion to the tests that passed every run;
  runs   points in proportion to passing runs (an interrupted campaign
         counts its missing runs as not passed).
"name" labels an item (default: its test or regexp); "visibility" is passed
to Gradescope. Each test runs at least as often as an item asks. The runner
prints a score table and writes Gradescope's results.json (-results); an
item that matches no test that ran scores nothing, with a warning.

` + exampleTOML + `
` + exampleJSON + `
Examples:

	distlab test -run TestAgreementAfterLeaderFailures -n 100 ./raft
	    run one test 100 times, as many at a time as there are cores
	distlab test -race -n 20 -p 4 -o failures ./raft ./kvraft
	    every test of two packages 20 times with the race detector
	distlab test -rubric rubric.toml -results /autograder/results/results.json ./raft
	    grade: run what the rubric asks and write the score for Gradescope
	distlab test -n 50 -json runs.json -junit runs.xml ./raft
	    keep every go test -json event and a JUnit report for CI
	distlab test -n 100 -shard 2/8 -json runs-2.json ./raft
	    the third of eight machines' share of 100 runs of every test

Flags:
`

// The rubric examples of the manual (a test checks that they load and
// agree).
const (
	exampleTOML = `	# rubric.toml
	runs = 10
	[[items]]
	name = "3A election"
	tests = "TestInitialElection.*|TestNewLeaderElected.*"
	points = 10
	partial = "tests"
	[[items]]
	test = "TestAgreementOnUnreliableNetwork"
	points = 5
	runs = 30
`
	exampleJSON = `	# the same as rubric.json
	{"runs": 10, "items": [
	  {"name": "3A election", "tests": "TestInitialElection.*|TestNewLeaderElected.*", "points": 10, "partial": "tests"},
	  {"test": "TestAgreementOnUnreliableNetwork", "points": 5, "runs": 30}]}
`
)

// Command is "distlab test": it parses args, runs the tests and prints the
// results, returning the process exit status.
func Command(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return command(ctx, args, stdout, stderr, nil)
}

// cliFlags are the parsed command line.
type cliFlags struct {
	o          Options
	jsonFile   string
	junitFile  string
	rubricFile string
	results    string
	seed       int64
	shard      string
}

func parseFlags(args []string, stdout, stderr io.Writer) (*cliFlags, error) {
	c := &cliFlags{}
	fs := flag.NewFlagSet("distlab test", flag.ContinueOnError)
	var flagErr strings.Builder
	fs.SetOutput(&flagErr)
	fs.Usage = func() {
		if wantsHelp(args) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, Usage)
			fmt.Fprint(stdout, help)
			fs.PrintDefaults()
		}
	}
	fs.StringVar(&c.o.Run, "run", "", "run only the tests whose whole name matches `REGEXP`")
	fs.IntVar(&c.o.Runs, "n", 1, "run each test `N` times")
	fs.IntVar(&c.o.Parallel, "p", runtime.NumCPU(), "run `P` runs at a time")
	fs.BoolVar(&c.o.Race, "race", false, "build the test binaries with the race detector")
	fs.DurationVar(&c.o.Timeout, "timeout", 10*time.Minute, "fail (and kill) a run that takes longer than `D`; 0 for no limit")
	fs.StringVar(&c.o.OutDir, "o", "distlab-out", "keep failing runs' output in `DIR`")
	fs.StringVar(&c.jsonFile, "json", "", "write every run's go test -json events to `FILE` (with an \"Iteration\" field)")
	fs.StringVar(&c.junitFile, "junit", "", "write a JUnit XML report to `FILE`")
	fs.StringVar(&c.rubricFile, "rubric", "", "grade with the rubric in `FILE` (.json or .toml)")
	fs.StringVar(&c.results, "results", "results.json", "with -rubric, write Gradescope's results.json to `FILE`")
	fs.Int64Var(&c.seed, "seed", 0, "give run i of each test DISTLAB_SEED=`S`+i-1 (default: the harness picks)")
	fs.StringVar(&c.shard, "shard", "", campaign.ShardFlagHelp)
	fs.BoolVar(&c.o.ListOnly, "list", false, "list the selected tests (with their package when there are several) and stop")

	if i := indexOf(args, "-args"); i >= 0 {
		c.o.TestArgs = args[i+1:]
		args = args[:i]
	}
	for {
		if err := fs.Parse(args); err == flag.ErrHelp {
			return nil, err
		} else if err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		n := 0
		for n < len(args) && !strings.HasPrefix(args[n], "-") {
			n++
		}
		if n == 0 { // "--" was consumed: all the rest are packages
			c.o.Packages = append(c.o.Packages, args...)
			break
		}
		c.o.Packages = append(c.o.Packages, args[:n]...)
		args = args[n:]
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" {
			c.o.Seed, c.o.SeedSet = c.seed, true
		}
	})
	switch {
	case c.o.Runs < 1:
		return nil, fmt.Errorf("-n %d: want at least 1 run", c.o.Runs)
	case c.o.Parallel < 1:
		return nil, fmt.Errorf("-p %d: want at least 1 run at a time", c.o.Parallel)
	case c.o.Timeout < 0:
		return nil, fmt.Errorf("-timeout %v: want a positive duration or 0", c.o.Timeout)
	}
	sh, err := campaign.ResolveShard(c.shard)
	if err != nil {
		return nil, err
	}
	c.o.Shard = sh
	top, _, err := splitRun(c.o.Run)
	if err != nil {
		return nil, err
	}
	if _, err := anchored(top); err != nil {
		return nil, err
	}
	return c, nil
}

func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}

func indexOf(args []string, s string) int {
	for i, a := range args {
		if a == s || a == "-"+s {
			return i
		}
	}
	return -1
}

// command is Command with the context and, for tests, the progress display
// given (nil chooses by whether stdout is a terminal).
func command(ctx context.Context, args []string, stdout, stderr io.Writer, progress Progress) int {
	c, err := parseFlags(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "distlab test: %v\n", err)
		fmt.Fprintf(stderr, "%s\nRun 'distlab test -h' for help.\n", Usage)
		return 2
	}
	var rubric *Rubric
	if c.rubricFile != "" {
		if rubric, err = LoadRubric(c.rubricFile); err != nil {
			fmt.Fprintf(stderr, "distlab test: %v\n%s\nRun 'distlab test -h' for help.\n", err, Usage)
			return 2
		}
		c.o.RunsFor = rubric.RunsFor
	}
	var events *bufio.Writer
	if c.jsonFile != "" {
		os.MkdirAll(filepath.Dir(c.jsonFile), 0o755)
		f, err := os.Create(c.jsonFile)
		if err != nil {
			fmt.Fprintf(stderr, "distlab test: -json: %v\n", err)
			return 2
		}
		defer f.Close()
		events = bufio.NewWriter(f)
		defer events.Flush()
		c.o.EventsOut = events
	}
	if progress == nil {
		progress = NewPlainProgress(stdout)
		if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			width, _, err := term.GetSize(int(f.Fd()))
			if err != nil {
				width = 80
			}
			progress = NewTerminalProgress(stdout, width, 250*time.Millisecond)
		}
	}
	if !c.o.ListOnly {
		c.o.Progress = progress
	}
	rep, err := Run(ctx, c.o)
	if err != nil && rep == nil && ctx.Err() != nil {
		fmt.Fprintln(stderr, "distlab test: interrupted before any test ran")
		return 130
	}
	if err != nil && (rep == nil || c.o.ListOnly || errors.Is(err, ErrNoTests)) {
		fmt.Fprintf(stderr, "distlab test: %v\n", err)
		if errors.Is(err, ErrUnknownPackage) || errors.Is(err, ErrNoTests) {
			fmt.Fprintf(stderr, "%s\nRun 'distlab test -h' for help.\n", Usage)
			return 2
		}
		return 1
	}
	if c.o.ListOnly {
		for _, s := range rep.Tests {
			if len(rep.Packages) > 1 {
				fmt.Fprintf(stdout, "%s %s\n", s.Package, s.Test)
			} else {
				fmt.Fprintln(stdout, s.Test)
			}
		}
		return 0
	}
	status := 0
	if err != nil { // some runs could not even start
		fmt.Fprintf(stderr, "distlab test: %v\n", err)
		status = 1
	}
	WriteTable(stdout, rep, c.o.Race)
	if c.junitFile != "" {
		if err := writeFile(c.junitFile, func(w io.Writer) error { return WriteJUnit(w, rep) }); err != nil {
			fmt.Fprintf(stderr, "distlab test: -junit: %v\n", err)
			status = 1
		}
	}
	if rubric != nil {
		gs := rubric.Grades(rep)
		fmt.Fprintln(stdout)
		if c.o.Shard.Sharded() {
			fmt.Fprintf(stdout, "shard %s: this score counts only this shard's runs; distlab merge -rubric grades all shards' -json files\n", c.o.Shard)
		}
		WriteScores(stdout, gs)
		if err := writeFile(c.results, func(w io.Writer) error { return WriteGradescope(w, gs, rep) }); err != nil {
			fmt.Fprintf(stderr, "distlab test: -results: %v\n", err)
			status = 1
		} else {
			fmt.Fprintf(stdout, "wrote %s\n", c.results)
		}
	}
	switch {
	case rep.Interrupted:
		return 130
	case rep.Failed():
		return 1
	}
	return status
}

// writeFile writes path (and the folders it needs) with write.
func writeFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
