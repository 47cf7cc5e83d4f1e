package chaos

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"testing"

	"distlab/labtest"

	"golang.org/x/term"
)

// Command is "distlab chaos": "distlab chaos <lab> [flags]" runs one
// chaos run of a registered lab; without a lab, or with -h, it lists the
// labs. It returns the exit status: 0 if the run passed, 1 if it found a
// violation or a liveness failure (the artefact folder and the replay
// command are printed), 2 for bad flags or a run that crashed.
//
// The run happens in virtual time, through labtest.Main (in a child
// process). It prints its Summary once, and always writes its artefact
// folder — the one a failing test writes (schedule, history and its HTML
// view, per-peer log), plus SummaryFile — under DISTLAB_ARTIFACTS or the
// temporary folder.
func Command(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	lab, err := lookup(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "distlab chaos: %v\n\n", err)
		usage(stderr)
		return 2
	}
	return command(lab, args[1:], stdout, stderr)
}

// oneThread makes the processes a chaos command starts — the child that
// runs a seed's bubble, a campaign's workers — run Go code on one thread
// (GOMAXPROCS=1), unless the user set GOMAXPROCS. A bubble runs one
// goroutine at a time at heart, and on one thread the order in which the
// goroutines woken at one virtual instant run is far more repeatable: with
// -check-determinism, 16 of 20 raft seeds and 20 of 20 kvsrv seeds were
// bit-for-bit the same twice, against 0 of 20 each on two threads. It is
// also cheaper: a kvraft campaign at -p 2 used 0.165 CPU-s per seed
// against 0.205 with two threads per worker, whose hand-offs (futex
// wake-ups, lock contention) cost the rest. -p runs seeds in parallel.
func oneThread() {
	if _, set := os.LookupEnv("GOMAXPROCS"); !set {
		os.Setenv("GOMAXPROCS", "1") // the child processes inherit it
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: distlab chaos <lab> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Runs a lab's service under random faults in virtual time, and checks it. Labs:")
	for _, l := range Labs() {
		fmt.Fprintf(w, "  %-8s %s\n", l.Name, l.Summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "distlab chaos <lab> -h" for its flags.`)
}

// command runs "distlab chaos <lab> args...".
func command(lab *Lab, args []string, stdout, stderr io.Writer) int {
	name := "distlab chaos " + lab.Name
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	common := flags(fs, lab)
	cf := addCampaignFlags(fs)
	start := lab.Setup(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [flags]\n\n", name)
		if lab.About != "" {
			fmt.Fprintf(stderr, "%s\n\n", lab.About)
		}
		fmt.Fprintf(stderr, "The artefact folder (schedule, history, report) goes under %s or the temporary folder;\n", labtest.EnvArtifacts)
		fmt.Fprintf(stderr, "%s=1 adds the peers' log to it. The link faults and pauses (-slow, -lossy, -duplicate,\n", labtest.EnvLog)
		fmt.Fprintf(stderr, "-pause) are off unless their rate is set.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q (flags only; see -h)\n", name, fs.Arg(0))
		return 2
	}
	cfg, seed := common()
	if err := cfg.validate(lab); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	oneThread()
	if cf.seeds != "" {
		return runCampaign(lab, cfg, start, cf, singleRun(fs, args), stdout, stderr, isTerminal(stdout))
	}
	if seed != "" {
		os.Setenv(labtest.EnvSeed, seed) // the child process inherits it
	}
	if cfg.Report {
		os.Setenv(labtest.EnvLog, "1") // the report shows the per-peer log
	}
	cfg.Artifacts = true
	status := labtest.Main("chaos-"+lab.Name, stdout, stderr, func(t *testing.T) {
		cfg.Out = os.Stdout // in the child, stdout is the parent's pipe
		run(t, lab, cfg, start)
	})
	if status > 1 {
		fmt.Fprintf(stderr, "%s: the run crashed (exit status %d)\n", name, status)
	}
	return status
}
