package mr_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of the real programs: they build cmd/mrcoordinator, cmd/mrworker and
// cmd/mrsequential and run them as processes over a unix socket, on the real
// clock (outside any synctest bubble).

// commands holds the three programs, built once per test binary.
var commands struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if commands.dir != "" {
		os.RemoveAll(commands.dir)
	}
	os.Exit(code)
}

// goTool returns the path of the go command.
func goTool(t testing.TB) string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("cannot find the go command to build the mr programs: not in PATH and not in $GOROOT/bin")
	}
	return p
}

// buildCommands returns the directory holding the built mrcoordinator,
// mrworker and mrsequential.
func buildCommands(t testing.TB) string {
	t.Helper()
	commands.once.Do(func() {
		commands.dir, commands.err = os.MkdirTemp("", "mrbin")
		if commands.err == nil {
			commands.err = buildInto(t, commands.dir)
		}
	})
	require.NoError(t, commands.err)
	return commands.dir
}

func buildInto(t testing.TB, dir string) error {
	cmd := exec.Command(goTool(t), "build", "-o", dir+"/",
		"distlab/cmd/mrcoordinator", "distlab/cmd/mrworker", "distlab/cmd/mrsequential")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build the mr commands: %v\n%s", err, out)
	}
	return nil
}

// shortTempDir returns a temporary directory with a short path, so that a
// unix socket path inside it fits the 108-byte limit.
func shortTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mr")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// proc is a running program whose end is observed on done.
type proc struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan error
}

// start runs bin/name with args in dir. Cleanup kills it if it is still
// running, so that no test leaves a process behind.
func start(t testing.TB, dir, bin, name string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Dir = dir
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{w: p.stderr}
	require.NoError(t, cmd.Start())
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		p.done <- nil // let a later wait return
	})
	return p
}

// wait waits for p to exit within limit and returns its exit code.
func (p *proc) wait(t testing.TB, limit time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		t.Fatalf("%s did not exit within %v (hung?); stderr:\n%s", p.cmd, limit, p.stderr)
		return -1
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (p *proc) stderrText() string {
	lw := p.cmd.Stderr.(*lockedWriter)
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.String()
}

// runSequential runs mrsequential app over files and returns its sorted lines.
func runSequential(t *testing.T, bin, app string, files []string) []string {
	t.Helper()
	dir := t.TempDir()
	p := start(t, dir, bin, "mrsequential", append([]string{"-o", "mr-correct", app}, files...)...)
	require.Equal(t, 0, p.wait(t, 30*time.Second), "mrsequential: %s", p.stderrText())
	return readLines(t, filepath.Join(dir, "mr-correct"))
}

func TestRealProcessesSurviveSIGKILLedWorkers(t *testing.T) {
	t.Parallel() // real processes on the real clock: mostly waiting
	bin := buildCommands(t)
	seed := testSeed(t)
	dir := shortTempDir(t)
	files := genInputs(t, dir, seed, 12, 400_000)
	want := runSequential(t, bin, "wc", files)

	sock := "unix:" + filepath.Join(dir, "sock")
	startWorker := func(giveUp string) *proc {
		return start(t, dir, bin, "mrworker", "-addr", sock, "-give-up", giveUp, "wc")
	}
	// The first workers wait for the coordinator to come up.
	workers := []*proc{startWorker("30s"), startWorker("30s"), startWorker("30s")}
	coord := start(t, dir, bin, "mrcoordinator", append([]string{"-addr", sock, "-task-timeout", "1s", "-nreduce", "10"}, files...)...)

	// Kill a random worker at random moments, and restart it, until the
	// coordinator exits or enough workers have died.
	r := newRand(seed)
	kills := 0
	for kills < 8 {
		select {
		case <-coord.done:
			coord.done <- nil
			kills = 1 << 30
			continue
		case <-time.After(time.Duration(20+r.IntN(200)) * time.Millisecond):
		}
		i := r.IntN(len(workers))
		if workers[i].cmd.Process.Signal(syscall.SIGKILL) == nil {
			kills++
		}
		<-workers[i].done
		workers[i].done <- nil
		workers[i] = startWorker("2s")
	}
	t.Logf("killed %d workers", min(kills, 8))
	require.Equal(t, 0, coord.wait(t, 45*time.Second), "mrcoordinator: %s", coord.stderrText())
	for i, w := range workers {
		code := w.wait(t, 10*time.Second)
		if code == 1 && strings.Contains(w.stderrText(), "no coordinator answered") {
			// A worker restarted just as the job ended found nobody there:
			// the documented outcome for a worker that never reached it.
			continue
		}
		require.Equal(t, 0, code, "worker %d: %s", i, w.stderrText())
	}
	require.Equal(t, want, outputs(t, dir))
	_, err := os.Stat(filepath.Join(dir, "sock"))
	require.ErrorIs(t, err, os.ErrNotExist, "the coordinator should remove its socket")
}

func TestPluginApplicationRunsLikeCompiledIn(t *testing.T) {
	t.Parallel() // real processes on the real clock: mostly waiting
	if out, err := exec.Command(goTool(t), "env", "CGO_ENABLED").Output(); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Skip("Go plugins need cgo, which is disabled here (go env CGO_ENABLED is not 1; install gcc)")
	}
	// The plugin and the programs loading it must be built from the same
	// sources: build both now, one right after the other.
	so := filepath.Join(shortTempDir(t), "lcwc.so")
	out, err := exec.Command(goTool(t), "build", "-buildmode=plugin", "-o", so, "./testdata/lcwcplugin").CombinedOutput()
	require.NoError(t, err, "go build -buildmode=plugin: %s", out)
	bin := t.TempDir()
	require.NoError(t, buildInto(t, bin))

	seed := testSeed(t)
	dir := shortTempDir(t)
	files := genInputs(t, dir, seed, 4, 20_000)
	want := runSequential(t, bin, so, files)
	// The plugin counts words case-insensitively: check a count directly.
	counts := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, w := range strings.FieldsFunc(string(data), func(r rune) bool { return !isLetter(r) }) {
			counts[strings.ToLower(w)]++
		}
	}
	require.Len(t, want, len(counts))
	for _, l := range want[:10] {
		k, v, _ := cutLine(l)
		require.Equal(t, fmt.Sprint(counts[k]), v, "count of %q", k)
	}

	// One worker, started first (it waits for the coordinator), so that it
	// surely runs the plugin's code rather than arriving after the job.
	sock := "unix:" + filepath.Join(dir, "sock")
	w := start(t, dir, bin, "mrworker", "-addr", sock, "-give-up", "60s", so)
	coord := start(t, dir, bin, "mrcoordinator", append([]string{"-addr", sock, "-nreduce", "3"}, files...)...)
	require.Equal(t, 0, coord.wait(t, 60*time.Second), "mrcoordinator: %s", coord.stderrText())
	require.Equal(t, 0, w.wait(t, 10*time.Second), "worker: %s", w.stderrText())
	require.Equal(t, want, outputs(t, dir))
}

func TestRealProcessesWithCrashingWorkersProduceReferenceOutput(t *testing.T) {
	t.Parallel() // real processes on the real clock: mostly waiting
	bin := buildCommands(t)
	seed := testSeed(t)
	dir := shortTempDir(t)
	files := genInputs(t, dir, seed, 4, 5_000)
	want := runSequential(t, bin, "nocrash", files)

	sock := "unix:" + filepath.Join(dir, "sock")
	began := time.Now()
	coord := start(t, dir, bin, "mrcoordinator", append([]string{"-addr", sock, "-task-timeout", "1s", "-nreduce", "3"}, files...)...)
	// Keep six crash workers running until the coordinator exits; each exits
	// with status 1 a third of the time it runs a map or reduce call, and
	// sleeps up to 10 s another third (six, so that rarely all are asleep).
	startWorker := func() *proc {
		return start(t, dir, bin, "mrworker", "-addr", sock, "-give-up", "2s", "crash")
	}
	workers := make([]*proc, 6)
	for i := range workers {
		workers[i] = startWorker()
	}
	crashes := 0
	deadline := time.After(50 * time.Second)
	for running := true; running; {
		select {
		case <-coord.done:
			coord.done <- nil
			running = false
		case <-deadline:
			t.Fatalf("the crash job did not finish within 50 s; coordinator: %s", coord.stderrText())
		case <-time.After(50 * time.Millisecond):
			for i, w := range workers {
				select {
				case <-w.done:
					w.done <- nil
					if w.cmd.ProcessState.ExitCode() != 0 {
						crashes++
					}
					workers[i] = startWorker()
				default:
				}
			}
		}
	}
	t.Logf("%d worker processes crashed; the job took %v", crashes, time.Since(began))
	require.Equal(t, 0, coord.wait(t, time.Second), "mrcoordinator: %s", coord.stderrText())
	require.Equal(t, want, outputs(t, dir))
	// Workers still sleeping in the crash app are killed by the cleanup.
}
