package labtest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"distlab/internal/env"
)

// EnvMain is set by Main in the environment of the child process it starts,
// to the name of the body the child must run.
const EnvMain = env.Main

// Main runs body as a test named name — with Run, so in a virtual-time
// bubble with everything Run provides — from a program that is not a test
// binary, such as a distlab subcommand, and returns its exit status: 0 if
// the test passed, 1 if it failed, 2 or more if it crashed (a goroutine
// leak ends the process).
//
// The testing package ends its process when its tests are done, so Main
// runs the test in a child process: it starts the running program again
// with the same arguments and EnvMain=name; in that child, the same call to
// Main runs the body and exits. The program must therefore reach the call
// to Main again when started with the same arguments, and do nothing
// before it that must not happen twice. The child's output (the test's log,
// with its summary line) is copied to stdout and stderr. In the parent,
// body is not called.
//
//	func runChaos(args []string, stdout, stderr io.Writer) int {
//		// ... parse flags ...
//		return labtest.Main("Chaos", stdout, stderr, func(t *testing.T) { ... })
//	}
func Main(name string, stdout, stderr io.Writer, body func(t *testing.T)) int {
	return mainIn(name, stdout, stderr, func(t *testing.T) { Run(t, body) })
}

// MainMany is Main for a body that runs many bubbles itself: in the child
// process body runs as a plain test, outside any bubble, and calls Run or
// RunSeed in subtests of its own (t.Run), several at once if it likes —
// a campaign of distlab chaos runs one seed per subtest.
func MainMany(name string, stdout, stderr io.Writer, body func(t *testing.T)) int {
	return mainIn(name, stdout, stderr, body)
}

// mainIn is Main with the child's test function given whole.
func mainIn(name string, stdout, stderr io.Writer, body func(t *testing.T)) int {
	if env.MainBody() == name {
		runMainChild(name, body) // exits
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "labtest: cannot find the running program to run %s in a child process: %v\n", name, err)
		return 2
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), EnvMain+"="+name)
	out := &testingNoise{w: stdout}
	cmd.Stdout, cmd.Stderr = out, stderr
	if stderr == stdout {
		// One writer for both, so that exec shares one pipe between them
		// and never writes to the caller's writer from two goroutines.
		cmd.Stderr = out
	}
	err = cmd.Run()
	out.flush()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	default:
		fmt.Fprintf(stderr, "labtest: running %s in a child process: %v\n", name, err)
		return 2
	}
}

// mainArgs is the command line of a program running a body through Main,
// recorded in schedules so that a failure can be replayed.
var mainArgs []string

// runMainChild runs body as the only test of the process and exits.
func runMainChild(name string, body func(t *testing.T)) {
	if body == nil {
		fmt.Fprintf(os.Stderr, "labtest: Main(%q) was called without a body in the child process\n", name)
		os.Exit(2)
	}
	testing.Init()
	mainArgs = append([]string(nil), os.Args...)
	os.Args = []string{os.Args[0], "-test.run=^" + regexp.QuoteMeta(name) + "$", "-test.v=true", "-test.timeout=0"}
	match := func(pat, str string) (bool, error) { return regexp.MatchString(pat, str) }
	testing.Main(match, []testing.InternalTest{{Name: name, F: body}}, nil, nil)
	os.Exit(0) // testing.Main exits; not reached
}

// testingNoise passes the child's output through to w without the testing
// package's framing, which means nothing to the user of a command: it drops
// the "=== RUN", "=== ATTR" and "--- PASS" lines and the closing "PASS", and it prints
// the harness's own "distlab:" lines without the t.Log prefix. Everything
// else, a failure's report above all, is passed on whole.
type testingNoise struct {
	w       io.Writer
	partial []byte
}

var tLogPrefix = regexp.MustCompile(`^\s+\w+\.go:\d+: (distlab: )`)

func (f *testingNoise) Write(p []byte) (int, error) {
	f.partial = append(f.partial, p...)
	for {
		i := strings.IndexByte(string(f.partial), '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(f.partial[:i])
		f.partial = f.partial[i+1:]
		f.line(line)
	}
}

func (f *testingNoise) line(line string) {
	framing := strings.TrimLeft(line, " ") // a subtest's framing is indented
	switch {
	case strings.HasPrefix(framing, "=== RUN"), strings.HasPrefix(framing, "=== PAUSE"),
		strings.HasPrefix(framing, "=== CONT"), strings.HasPrefix(framing, "=== ATTR"), strings.HasPrefix(framing, "--- PASS"),
		line == "PASS":
		return
	}
	line = tLogPrefix.ReplaceAllString(line, "$1")
	io.WriteString(f.w, line+"\n")
}

func (f *testingNoise) flush() {
	if len(f.partial) > 0 {
		f.line(string(f.partial))
		f.partial = nil
	}
}
