package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"distlab/internal/env"
)

// A Result is the outcome of one run of one test.
type Result struct {
	Package   string        // import path
	Test      string        // top-level test name
	Iteration int           // 1, 2, ...
	Status    Status        // the run's verdict
	TimedOut  bool          // killed by the runner's per-run timeout
	Wall      time.Duration // the run's process wall time
	// Virtual is the virtual time the harness reported, if HasVirtual.
	Virtual    time.Duration
	HasVirtual bool   // whether the harness reported the virtual time (attribute distlab.virtual)
	Seed       string // as the harness reported it (distlab.seed), "" if it did not
	Artifacts  string // the harness's artefact folder, "" if none
	Replay     string // the harness's command to replay the failure, "" if none
	// Output is the run's whole output, kept for failing runs only.
	Output string
	// LogFile is where a failing run's output was saved.
	LogFile string
}

// runSpec says how to start the runs of one test.
type runSpec struct {
	test2json string
	pkg       *Package
	test      string
	sub       string // "/^(?:pattern)$"... selecting subtests, or ""
	iteration int
	timeout   time.Duration // 0: none
	env       []string      // added to the runner's environment
	args      []string      // extra arguments for the test binary
}

// grace is how long after its -test.timeout a run may still take to print
// its goroutine dump before the runner kills its process group.
var grace = 5 * time.Second

// ioDelay is how long a run's output may stay open after the test binary
// has exited (held by a process the test started) before the runner closes
// it and fails the run.
const ioDelay = time.Second

// runOnce runs one test once and returns its result. events, if not nil,
// receives each JSON event line (with the iteration added). A run cut short
// by ctx returns ctx's error: it has no verdict.
//
// The test binary's output goes through the runner to test2json, both
// processes in one process group: so the runner, not test2json, decides
// when a process the test left behind has held the output open too long,
// and one kill reaches everything the run started.
func runOnce(ctx context.Context, s runSpec, events func([]byte)) (*Result, error) {
	args := []string{"-test.run", "^" + s.test + "$" + s.sub, "-test.v=test2json", "-test.count=1"}
	runCtx := ctx
	if s.timeout > 0 {
		args = append(args, "-test.timeout="+s.timeout.String())
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, s.timeout+grace)
		defer cancel()
	}
	args = append(args, s.args...)

	conv := exec.Command(s.test2json, "-t", "-p", s.pkg.ImportPath)
	inOwnGroup(conv)
	// An io.Pipe, not an OS pipe, so that the binary and what it starts
	// never hold test2json's input themselves.
	convIn, convInW := io.Pipe()
	conv.Stdin = convIn
	stdout, err := conv.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", s.test, err)
	}
	var stderr strings.Builder
	conv.Stderr = &stderr
	if err := conv.Start(); err != nil {
		return nil, fmt.Errorf("running %s: starting test2json: %w", s.test, err)
	}
	pgid := conv.Process.Pid
	defer killGroup(pgid) // whatever the test left behind

	bin := exec.CommandContext(runCtx, s.pkg.Binary, args...)
	bin.Dir = s.pkg.Dir
	bin.Env = append(os.Environ(), s.env...)
	bin.Env = append(bin.Env, env.Iteration+"="+strconv.Itoa(s.iteration))
	inGroup(bin, pgid)
	bin.Cancel = func() error { return killGroup(pgid) }
	// A process the test leaves behind may hold the output open: once the
	// test has exited, Wait gives it ioDelay, then closes the output and
	// returns ErrWaitDelay.
	bin.WaitDelay = ioDelay
	bin.Stdout, bin.Stderr = convInW, convInW // not an *os.File: the output passes through us
	start := time.Now()
	if err := bin.Start(); err != nil {
		convInW.Close()
		conv.Wait()
		return nil, fmt.Errorf("running %s: %w", s.test, err)
	}
	waited := make(chan error, 1)
	go func() {
		err := bin.Wait()
		convInW.Close()
		waited <- err
	}()
	r := &Result{Package: s.pkg.ImportPath, Test: s.test, Iteration: s.iteration}
	var out strings.Builder
	var info harnessInfo
	verdict := Status("")
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e Event
		if err := json.Unmarshal(line, &e); err != nil {
			// test2json writes only JSON; keep anything else as output.
			out.Write(line)
			out.WriteByte('\n')
			continue
		}
		if events != nil {
			events(withIteration(line, s.iteration))
		}
		switch {
		case e.Action == "output":
			out.WriteString(e.Output)
		case e.Action == "attr" && e.Test == s.test:
			info.attr(e.Key, e.Value)
		case e.Action == "attr" && strings.HasPrefix(e.Test, s.test+"/"):
			info.subtestAttr(e.Key, e.Value)
		case e.Test == s.test && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			verdict = Status(e.Action)
		case e.Test == "" && e.Action == "fail":
			verdict = Fail // the binary failed outside the test: panic, timeout, exit
		}
	}
	io.Copy(io.Discard, stdout) // after a scanner error, let test2json finish
	waitErr := <-waited
	r.Wall = time.Since(start)
	killGroup(pgid)
	conv.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if runCtx.Err() != nil {
		r.TimedOut = true
		verdict = Fail
		fmt.Fprintf(&out, "\ndistlab test: run killed after %v (timeout %v)\n", r.Wall.Round(time.Millisecond), s.timeout)
	}
	if verdict == "" {
		verdict = Fail
		fmt.Fprintf(&out, "\ndistlab test: %s reported no result (the binary exited early?)\n", s.test)
	}
	if errors.Is(waitErr, exec.ErrWaitDelay) {
		verdict = Fail
		fmt.Fprintf(&out, "\ndistlab test: the test exited but left a process holding its output open; killed it\n")
	} else if verdict == Pass && waitErr != nil {
		var ee *exec.ExitError
		if !errors.As(waitErr, &ee) {
			return nil, fmt.Errorf("running %s: %w", s.test, waitErr)
		}
		verdict = Fail // e.g. a race reported after the test passed
	}
	if stderr.Len() > 0 {
		out.WriteString(stderr.String())
	}
	r.Status = verdict
	r.Seed, r.Artifacts, r.Replay = info.Seed, info.Artifacts, info.Replay
	r.Virtual, r.HasVirtual = info.Virtual, info.HasVirtual
	if verdict == Fail {
		r.Output = out.String()
	}
	return r, nil
}
