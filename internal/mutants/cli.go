package mutants

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

const usage = `usage: distlab mutants [flags] PACKAGE

Measures a lab's test suite by the bugs it catches. PACKAGE (e.g. ./raft)
has a catalogue of classic student bugs in its folder, mutants.toml; each
mutant is built from a changed copy of the files it edits (go build
-overlay: the working tree is never modified), and the lab's tests run
against it, -n times each, -p at a time, each run in its own process. A
mutant is killed when some run of some test fails (a run past -timeout
fails too).

The table says, per mutant, how many runs failed and which tests killed
it, how often; then which tests kill the most mutants. With -replays R,
each killed mutant's first failing run is re-run R times under its seed
and failure schedule, and the table reports how often it failed again:
the replay fidelity of that failure.

-baseline (on by default) first runs the tests against the unmutated lab:
a suite that fails there cannot tell a mutant from the original.

Exit status: 0 when every mutant tested was killed, 1 when some survived
or could not be built, 2 for bad usage, 130 if interrupted (Ctrl-C prints
the partial table).

Examples:

	distlab mutants ./raft
	    every raft mutant against every raft test, once each
	distlab mutants -n 3 -replays 20 -json raft-mutants.json ./raft
	    three runs each, replay fidelity from 20 replays, a JSON report
	distlab mutants -m vote-ignores-log,log-not-persisted -run 'TestFigure8.*' ./raft
	    two mutants against the Figure 8 tests
	distlab mutants -list ./kvraft
	    the catalogue
	distlab mutants -keep mutants-out -m truncate-on-every-append ./raft
	    keep the mutant's build overlay and failures: the table prints the
	    distlab shrink command that shrinks its first failure

Flags:
`

// Command is "distlab mutants": it parses args, runs the mutants and prints
// the tables, returning the process exit status.
func Command(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return command(ctx, args, stdout, stderr)
}

func command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distlab mutants", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	var names, jsonFile string
	var list bool
	fs.StringVar(&names, "m", "", "run only the mutants in the comma-separated `LIST` of names")
	fs.StringVar(&o.Run, "run", "", "run only the tests whose whole name matches `REGEXP`")
	fs.IntVar(&o.Runs, "n", 1, "run each test `N` times against each mutant")
	fs.IntVar(&o.Parallel, "p", 0, "run `P` runs at a time (default: the number of CPUs)")
	fs.BoolVar(&o.Race, "race", false, "build with the race detector")
	fs.DurationVar(&o.Timeout, "timeout", time.Minute, "fail a run that takes longer than `D` of wall time (a mutant may hang)")
	fs.DurationVar(&o.VirtualTimeout, "vtimeout", 2*time.Minute, "fail a test stuck for `D` of its virtual time (DISTLAB_TIMEOUT; 0: the harness's default)")
	fs.BoolVar(&o.Baseline, "baseline", true, "first run the tests against the unmutated lab")
	fs.IntVar(&o.Replays, "replays", 0, "replay each killed mutant's first failure `R` times (replay fidelity)")
	fs.StringVar(&jsonFile, "json", "", "write the results as JSON to `FILE`")
	fs.StringVar(&o.Keep, "keep", "", "keep each mutant's overlay and failing runs' artefacts in `DIR`, to replay or shrink them")
	fs.BoolVar(&list, "list", false, "list the catalogue and stop")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := parseInterspersed(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "distlab mutants: "+format+"\n", a...)
		fmt.Fprintln(stderr, `Run "distlab mutants -h" for help.`)
		return 2
	}
	switch {
	case fs.NArg() != 1:
		return bad("give one lab package, e.g. ./raft (got %d arguments)", fs.NArg())
	case o.Runs < 1:
		return bad("-n %d: want at least 1 run", o.Runs)
	case o.Parallel < 0:
		return bad("-p %d: want at least 1 run at a time", o.Parallel)
	case o.Replays < 0:
		return bad("-replays %d: want 0 (none) or more", o.Replays)
	case o.Timeout < 0:
		return bad("-timeout %v: want a positive duration or 0", o.Timeout)
	case o.VirtualTimeout < 0:
		return bad("-vtimeout %v: want a positive duration or 0", o.VirtualTimeout)
	}
	o.Package = fs.Arg(0)
	if names != "" {
		o.Mutants = strings.Split(names, ",")
	}
	if list {
		dir, err := packageDir(ctx, "", o.Package)
		if err != nil {
			return bad("%v", err)
		}
		cat, err := LoadCatalogue(dir)
		if err != nil {
			return bad("%v", err)
		}
		for _, m := range cat.Mutants {
			fmt.Fprintf(stdout, "%s\n    %s\n", m.Name, strings.ReplaceAll(strings.TrimSpace(m.Bug), "\n", "\n    "))
		}
		return 0
	}
	o.Progress = func(line string) { fmt.Fprintln(stderr, line) }
	res, err := Run(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "distlab mutants: %v\n", err)
		if ctx.Err() != nil {
			return 130
		}
		return 2
	}
	WriteTable(stdout, res)
	status := 0
	if jsonFile != "" {
		f, err := os.Create(jsonFile)
		if err == nil {
			err = WriteJSON(f, res)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "distlab mutants: -json: %v\n", err)
			status = 1
		}
	}
	for _, o := range res.Outcomes {
		if o.Err != nil || !o.Killed {
			status = 1
		}
	}
	if res.Interrupted {
		return 130
	}
	return status
}

// parseInterspersed parses flags that may come before or after the
// package argument.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
	return fs.Parse(append([]string{"--"}, rest...))
}
