package autograder

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const usage = `usage: distlab autograder -rubric FILE [-o autograder.zip] [-race] [-timeout D] PACKAGE
       distlab autograder -grade ROOT

Writes a Gradescope autograder for a lab (PACKAGE, e.g. ./raft): a zip
holding setup.sh (installs Go from the distribution's packages and builds
distlab), run_autograder (grades a submission), the rubric and this
module's source. Upload it as a Gradescope programming assignment's
autograder, on a base image whose Go package is 1.21 or later (Ubuntu
24.04).

For each submission, run_autograder replaces the lab's non-test Go files by
the student's (the tests always come from the bundle), runs the rubric's
tests as "distlab test -rubric" does, and writes results.json. A
submission that does not build scores nothing, with the compiler's
message.

-grade ROOT is that step, as run_autograder calls it: ROOT holds source/
(the unpacked bundle) and submission/, and gets results/results.json.
To try a bundle locally:

	mkdir -p /tmp/ag/source /tmp/ag/submission
	unzip -d /tmp/ag/source autograder.zip
	cp raft/*.go /tmp/ag/submission/
	AUTOGRADER_ROOT=/tmp/ag bash /tmp/ag/source/run_autograder
	cat /tmp/ag/results/results.json

Flags:
`

// Command is "distlab autograder".
func Command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distlab autograder", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var b Bundle
	var out, grade string
	var timeout time.Duration
	fs.StringVar(&b.Rubric, "rubric", "", "grade with the rubric in `FILE` (.toml or .json, as for distlab test)")
	fs.StringVar(&out, "o", "autograder.zip", "write the bundle to `FILE`")
	fs.BoolVar(&b.Race, "race", false, "build the tests with the race detector when grading")
	fs.DurationVar(&timeout, "timeout", 10*time.Minute, "fail a run that takes longer than `D` when grading")
	fs.StringVar(&grade, "grade", "", "grade ROOT/submission with the bundle in ROOT/source (what run_autograder does)")
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
	if grade != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := Grade(ctx, grade, stdout); err != nil {
			fmt.Fprintf(stderr, "distlab autograder: %v\n", err)
			return 1
		}
		return 0
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "distlab autograder: "+format+"\n", a...)
		fmt.Fprintln(stderr, `Run "distlab autograder -h" for help.`)
		return 2
	}
	if b.Rubric == "" {
		return bad("-rubric is required: the rubric says what is graded")
	}
	if fs.NArg() != 1 {
		return bad("give one lab package, e.g. ./raft (got %d arguments)", fs.NArg())
	}
	if timeout <= 0 {
		return bad("-timeout %v: want a positive duration", timeout)
	}
	b.Timeout = timeout.String()
	mod, lab, err := locate(fs.Arg(0))
	if err != nil {
		return bad("%v", err)
	}
	b.Module, b.Lab = mod, lab
	f, err := os.Create(out)
	if err != nil {
		return bad("%v", err)
	}
	if err := b.Write(f); err != nil {
		f.Close()
		os.Remove(out)
		return bad("%v", err)
	}
	if err := f.Close(); err != nil {
		return bad("%v", err)
	}
	fmt.Fprintf(stdout, "wrote %s: the %s lab graded by %s; upload it as the assignment's autograder\n", out, lab, filepath.Base(b.Rubric))
	return 0
}

// locate returns the module root and the package's folder relative to it.
func locate(pkg string) (module, lab string, err error) {
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}\t{{.Module.Dir}}", pkg).CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("go list %s: %w\n%s", pkg, err, strings.TrimSpace(string(out)))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 {
		return "", "", fmt.Errorf("%s names %d packages; give one lab", pkg, len(lines))
	}
	dir, mod, ok := strings.Cut(lines[0], "\t")
	if !ok || mod == "" {
		return "", "", fmt.Errorf("%s is not in a module", pkg)
	}
	rel, err := filepath.Rel(mod, dir)
	if err != nil {
		return "", "", err
	}
	return mod, rel, nil
}
