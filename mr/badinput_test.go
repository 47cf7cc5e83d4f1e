package mr_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"

	"distlab/mr"
	"distlab/mr/apps"
)

// Bad input gets a clear message naming the culprit and a non-zero exit,
// never a hang.

func TestCommandsRejectBadInputClearly(t *testing.T) {
	t.Parallel() // real processes on the real clock: mostly waiting
	bin := buildCommands(t)
	dir := shortTempDir(t)
	good := filepath.Join(dir, "good.txt")
	require.NoError(t, os.WriteFile(good, []byte("hello world"), 0o644))
	notADir := filepath.Join(dir, "plain-file")
	require.NoError(t, os.WriteFile(notADir, nil, 0o644))
	nobody := "unix:" + filepath.Join(dir, "nobody-listens")

	// A coordinator that serves but gets no workers, for "address in use".
	busy := "unix:" + filepath.Join(dir, "busy")
	idle := start(t, dir, bin, "mrcoordinator", "-addr", busy, good)
	waitForSocket(t, filepath.Join(dir, "busy"))

	cases := []struct {
		name     string
		prog     string
		args     []string
		code     int
		messages []string
	}{
		{"missing input file", "mrcoordinator", []string{"-addr", nobody, good, "no-such-input.txt"}, 1,
			[]string{"no-such-input.txt", "no such file"}},
		{"input is a directory", "mrcoordinator", []string{"-addr", nobody, dir}, 1,
			[]string{dir, "is a directory"}},
		{"unwritable output directory", "mrcoordinator", []string{"-addr", nobody, "-dir", filepath.Join(notADir, "out"), good}, 1,
			[]string{"plain-file/out", "not writable"}},
		{"address in use", "mrcoordinator", []string{"-addr", busy, good}, 1,
			[]string{"another coordinator is already serving"}},
		{"bad address", "mrcoordinator", []string{"-addr", "carrier-pigeon", good}, 2,
			[]string{"carrier-pigeon", "unix:/path"}},
		{"no input files", "mrcoordinator", []string{"-addr", nobody}, 2, []string{"usage"}},
		{"unknown app", "mrworker", []string{"-addr", nobody, "wordcount"}, 2,
			[]string{`unknown application "wordcount"`, "wc, "}},
		{"missing plugin", "mrworker", []string{"-addr", nobody, "./nope.so"}, 2,
			[]string{"load application plugin", "nope.so"}},
		{"no coordinator on unix socket", "mrworker", []string{"-addr", nobody, "-give-up", "500ms", "wc"}, 1,
			[]string{"no coordinator answered", "nobody-listens"}},
		{"no coordinator on tcp", "mrworker", []string{"-addr", "tcp:127.0.0.1:1", "-give-up", "500ms", "wc"}, 1,
			[]string{"no coordinator answered", "127.0.0.1:1"}},
		{"sequential missing input", "mrsequential", []string{"-o", filepath.Join(dir, "out"), "wc", "no-such-input.txt"}, 1,
			[]string{"no-such-input.txt"}},
		{"sequential unwritable output", "mrsequential", []string{"-o", filepath.Join(notADir, "out"), "wc", good}, 1,
			[]string{"plain-file/out"}},
		{"sequential unknown app", "mrsequential", []string{"grep", good}, 2, []string{`unknown application "grep"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := start(t, dir, bin, c.prog, c.args...)
			require.Equal(t, c.code, p.wait(t, 20*time.Second), "exit code; stderr:\n%s", p.stderrText())
			for _, m := range c.messages {
				require.Contains(t, p.stderrText(), m)
			}
		})
	}
	require.NoError(t, idle.cmd.Process.Signal(os.Interrupt))
	require.Equal(t, 1, idle.wait(t, 10*time.Second), "an interrupted coordinator exits non-zero")
	require.Contains(t, idle.stderrText(), "before the job is over")
}

func waitForSocket(t *testing.T, path string) {
	t.Helper()
	for range 200 {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("no socket appeared at %s within 5 s", path)
}

func TestMakeCoordinatorRefusesImpossibleJobs(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	require.NoError(t, os.WriteFile(good, []byte("x"), 0o644))
	tr := mr.NetRPC("unix", filepath.Join(shortTempDir(t), "s"))
	for _, c := range []struct {
		name    string
		files   []string
		nReduce int
		dir     string
		want    string
	}{
		{"no reduce tasks", []string{good}, 0, dir, "nReduce is 0"},
		{"no inputs", nil, 3, dir, "no input files"},
		{"missing input", []string{good, filepath.Join(dir, "gone.txt")}, 3, dir, "gone.txt"},
		{"missing output directory", []string{good}, 3, filepath.Join(dir, "absent"), "output directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := mr.MakeCoordinatorWith(c.files, c.nReduce, mr.CoordinatorOptions{Transport: tr, Dir: c.dir})
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestInputVanishingMidJobFailsTheJobWithItsName(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 3, 1_000)
		tr := newNet(t)
		c, err := mr.MakeCoordinatorWith(files, 2, mr.CoordinatorOptions{Transport: tr, Dir: dir})
		require.NoError(t, err)
		require.NoError(t, os.Remove(files[1])) // after the coordinator checked it
		wc := apps.WordCount()
		errs := make(chan error)
		for range 2 {
			go func() { errs <- mr.RunWorker(mr.WorkerOptions{Transport: tr}, wc.Map, wc.Reduce) }()
		}
		err = c.Wait()
		require.ErrorContains(t, err, "input-1.txt")
		require.ErrorContains(t, err, "failed 3 times")
		require.True(t, c.Done())
		require.NoError(t, <-errs, "workers exit normally when the job fails")
		require.NoError(t, <-errs)
		c.Close()
	})
}

func TestWorkerGivesUpWhenNoCoordinatorAnswers(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		tr := newNet(t)
		wc := apps.WordCount()
		start := time.Now()
		err := mr.RunWorker(mr.WorkerOptions{Transport: tr, GiveUpAfter: 3 * time.Second}, wc.Map, wc.Reduce)
		require.ErrorContains(t, err, "no coordinator answered at labrpc:coordinator within 3s")
		require.Less(t, time.Since(start), 4*time.Second)
	})
}

func TestWorkersExitWhenTheCoordinatorIsClosed(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		files := genInputs(t, dir, 1, 2, 100)
		tr := newNet(t)
		c, err := mr.MakeCoordinatorWith(files, 1, mr.CoordinatorOptions{Transport: tr, Dir: dir})
		require.NoError(t, err)
		// A worker whose maps never finish: it holds a task when the coordinator closes.
		block, entered := make(chan struct{}), make(chan struct{})
		defer close(block)
		slow := func(string, string) []mr.KeyValue { close(entered); <-block; return nil }
		done := make(chan error)
		idle := apps.WordCount()
		go func() { done <- mr.RunWorker(mr.WorkerOptions{Transport: tr}, slow, idle.Reduce) }()
		<-entered // the slow worker holds map task 0
		go func() { done <- mr.RunWorker(mr.WorkerOptions{Transport: tr}, idle.Map, idle.Reduce) }()
		time.Sleep(time.Second) // the other worker did map task 1 and waits for work
		require.False(t, c.Done())
		require.NoError(t, c.Close())
		require.ErrorContains(t, c.Wait(), "closed before the job was over")
		// The idle worker, in a long poll or between polls, learns at once or gives up.
		require.NoError(t, <-done)
		block <- struct{}{} // the slow worker's map returns; its report finds nobody
		require.NoError(t, <-done)
	})
}
