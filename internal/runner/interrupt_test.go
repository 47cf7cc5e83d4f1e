package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waitForPids waits until the hang fixture's run has written its pid file
// and returns the pids in it: the test binary's and its child's.
func waitForPids(t *testing.T, path string) []int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil {
			var pids []int
			for _, f := range strings.Fields(string(data)) {
				pid, err := strconv.Atoi(f)
				require.NoError(t, err)
				pids = append(pids, pid)
			}
			return pids
		}
		require.True(t, time.Now().Before(deadline), "the hanging test never started")
		time.Sleep(20 * time.Millisecond)
	}
}

// requireGone waits a little for each process to be gone (or a zombie,
// which no longer runs) and fails if one lives on.
func requireGone(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		deadline := time.Now().Add(5 * time.Second)
		for alive(pid) {
			require.True(t, time.Now().Before(deadline), "process %d outlived the runner", pid)
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name: "Z" is a zombie.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func TestCtrlCKillsEveryRunAndPrintsThePartialTable(t *testing.T) {
	dir := writeFixture(t)
	pidDir := t.TempDir()
	t.Setenv("FIXTURE_PIDS", pidDir)
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	status := make(chan int)
	go func() {
		status <- Command([]string{"-n", "3", "-p", "1", "./hang"}, &stdout, &stderr)
	}()
	pids := waitForPids(t, filepath.Join(pidDir, "1"))
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
	var got int
	select {
	case got = <-status:
	case <-time.After(30 * time.Second):
		t.Fatal("the runner did not stop after SIGINT")
	}
	require.Equal(t, 130, got, "%s%s", stdout.String(), stderr.String())
	requireGone(t, pids)
	checkGolden(t, "interrupted.golden", normalize(stdout.String(), dir))
	_, err := os.Stat(filepath.Join(pidDir, "2"))
	require.True(t, os.IsNotExist(err), "no run starts after the interrupt")
}

func TestTimeoutFailsTheRunAndKillsItsProcessGroup(t *testing.T) {
	dir := writeFixture(t)
	pidDir := t.TempDir()
	t.Setenv("FIXTURE_PIDS", pidDir)
	status, out, errOut := runCommand(t, dir, "-timeout", "1s", "./hang")
	require.Equal(t, 1, status, "%s%s", out, errOut)
	requireGone(t, waitForPids(t, filepath.Join(pidDir, "1")))
	log, err := os.ReadFile(filepath.Join(dir, "distlab-out", "TestHang-1.log"))
	require.NoError(t, err)
	require.Contains(t, string(log), "panic: test timed out after 1s", "the binary's own timeout dumps the goroutines")
	require.Contains(t, out, "FAIL: 1 of 1 test failed, 1 of 1 run")
}

func TestRaceDetectorFailsARacyTest(t *testing.T) {
	dir := writeFixture(t)
	status, out, errOut := runCommand(t, dir, "-race", "./racy")
	require.Equal(t, 1, status, "%s%s", out, errOut)
	log, err := os.ReadFile(filepath.Join(dir, "distlab-out", "TestRacy-1.log"))
	require.NoError(t, err)
	require.Contains(t, string(log), "WARNING: DATA RACE")
	require.Contains(t, string(log), "go test -race -count=1 -run '^TestRacy$' fixture/racy")
}

func TestRunThatLeavesAProcessHoldingItsOutputFailsAndTheProcessIsKilled(t *testing.T) {
	dir := writeFixture(t)
	pidDir := t.TempDir()
	t.Setenv("FIXTURE_PIDS", pidDir)
	status, out, errOut := runCommand(t, dir, "./orphan")
	require.Equal(t, 1, status, "%s%s", out, errOut)
	requireGone(t, waitForPids(t, filepath.Join(pidDir, "1")))
	log, err := os.ReadFile(filepath.Join(dir, "distlab-out", "TestOrphan-1.log"))
	require.NoError(t, err)
	require.Contains(t, string(log), "left a process holding its output open")
}

func TestRunnerKillsARunThatOutlivesItsTimeout(t *testing.T) {
	defer func(g time.Duration) { grace = g }(grace)
	grace = 100 * time.Millisecond
	dir := writeFixture(t)
	pidDir := t.TempDir()
	t.Setenv("FIXTURE_PIDS", pidDir)
	// The binary's own -test.timeout, overridden, cannot stop it: the runner must.
	status, out, errOut := runCommand(t, dir, "-timeout", "1s", "./hang", "-args", "-test.timeout=1h")
	require.Equal(t, 1, status, "%s%s", out, errOut)
	requireGone(t, waitForPids(t, filepath.Join(pidDir, "1")))
	require.Contains(t, out, "TestHang run 1 (")
	require.Contains(t, out, "(timed out")
}
