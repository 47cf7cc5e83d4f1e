package labtest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
	"distlab/porcupine"
)

var summaryLine = regexp.MustCompile(`distlab: virtual=(\S+) wall=(\S+) rpcs=(\d+) bytes=(\d+) seed=(-?\d+)\n`)

func TestPassingRunUnderMainLeavesTheSummaryToItsCommandAndWritesNoArtefacts(t *testing.T) {
	dir := t.TempDir()
	out, code := runChild(t, "Pass", labtest.EnvArtifacts+"="+dir, labtest.EnvSeed+"=99")
	require.Equal(t, 0, code, out)
	// The command (distlab chaos) prints its own summary of a run that passed.
	require.Empty(t, summaryLine.FindAllString(out, -1), out)
	require.NotContains(t, out, "distlab: artifacts=")
	// A command's user sees the harness's lines, not the testing package's framing.
	require.NotContains(t, out, "=== RUN")
	require.NotContains(t, out, "--- PASS")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestFailingTestWritesScheduleAndPrintsReplayCommand(t *testing.T) {
	dir := t.TempDir()
	out, code := runChild(t, "FailPlain", labtest.EnvArtifacts+"="+dir)
	require.Equal(t, 1, code, out)
	art := artefactDir(t, out)
	require.True(t, strings.HasPrefix(art, dir), "artefacts under %s=%s: %s", labtest.EnvArtifacts, dir, art)
	s, err := labtest.LoadSchedule(filepath.Join(art, labtest.ScheduleFile))
	require.NoError(t, err)
	require.Equal(t, "FailPlain", s.Test)
	// Run through Main, the test is replayed by running the same program.
	require.Equal(t, os.Args[0], s.Command[0])
	require.Contains(t, out, "distlab: replay: DISTLAB_REPLAY="+filepath.Join(art, "schedule.json")+" "+os.Args[0])
}

func TestNonLinearizableServiceIsCaughtAndItsReplayFailsAgain(t *testing.T) {
	dir := t.TempDir()
	out, code := runChild(t, "Buggy", labtest.EnvArtifacts+"="+dir)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "is not linearizable")
	art := artefactDir(t, out)
	for _, f := range []string{labtest.ScheduleFile, labtest.HistoryFile, labtest.HistoryHTMLFile} {
		require.FileExists(t, filepath.Join(art, f))
	}
	h, err := porcupine.ReadHistoryFile(filepath.Join(art, labtest.HistoryFile), porcupine.FormatJSON)
	require.NoError(t, err)
	require.Equal(t, "register", h.Model)
	require.Greater(t, len(h.Operations), 60)
	require.NotEmpty(t, h.Annotations, "the nemesis's faults are in the history")
	page, err := os.ReadFile(filepath.Join(art, labtest.HistoryHTMLFile))
	require.NoError(t, err)
	require.True(t, strings.Contains(string(page), "(by nemesis)"), "the page shows the nemesis's faults")
	require.Equal(t, "ns", h.TimeUnit, "history.json says its times are nanoseconds")
	require.Contains(t, string(page), `"unitNs":1,`, "the page shows times as durations")
	seed := summaryLine.FindStringSubmatch(out)[5]

	// The replay command's environment, run on this test binary.
	out2, code2 := runChild(t, "Buggy", labtest.EnvReplay+"="+filepath.Join(art, labtest.ScheduleFile), labtest.EnvArtifacts+"="+dir)
	require.Equal(t, 1, code2, out2)
	require.Contains(t, out2, "is not linearizable")
	require.Equal(t, seed, summaryLine.FindStringSubmatch(out2)[5], "the replay ran under the recorded seed")
}

func TestLeakedGoroutineIsReported(t *testing.T) {
	for _, tc := range []struct{ child, env, want string }{
		{"LeakSleeper", "", "leakySleeper"},
		{"LeakBlocked", "", "leakyWaiter"},
		{"RealtimeLeak", labtest.EnvRealtime + "=1", "leakySleeper"},
	} {
		t.Run(tc.child, func(t *testing.T) {
			var env []string
			if tc.env != "" {
				env = append(env, tc.env)
			}
			env = append(env, labtest.EnvArtifacts+"="+t.TempDir())
			out, code := runChild(t, tc.child, env...)
			require.NotEqual(t, 0, code, out)
			require.Contains(t, out, "goroutine(s) still running")
			require.Contains(t, out, "Every goroutine must end after Kill()")
			require.Contains(t, out, tc.want)
			require.Len(t, summaryLine.FindAllString(out, -1), 1, "the summary line is printed before the leak ends the test")
		})
	}
}

func TestHistoryOfATestThatFailedBeforeCheckingIsDrawn(t *testing.T) {
	out, code := runChild(t, "Unfinished", labtest.EnvArtifacts+"="+t.TempDir())
	require.Equal(t, 1, code, out)
	art := artefactDir(t, out)
	h, err := porcupine.ReadHistoryFile(filepath.Join(art, labtest.HistoryFile), porcupine.FormatJSON)
	require.NoError(t, err)
	require.Len(t, h.Operations, 2)
	require.False(t, h.Operations[0].Pending())
	require.True(t, h.Operations[1].Pending(), "an operation that never ended is pending")
	require.FileExists(t, filepath.Join(art, labtest.HistoryHTMLFile))
}

func TestPeerLogIsInTheArtefactsWithDistlabLog(t *testing.T) {
	out, code := runChild(t, "Logged", labtest.EnvArtifacts+"="+t.TempDir(), labtest.EnvLog+"=1", "DISTLAB_VERBOSE=",
		labtest.EnvRealtime+"=") // the exact millisecond needs the virtual clock
	require.Equal(t, 1, code, out)
	log, err := os.ReadFile(filepath.Join(artefactDir(t, out), labtest.LogFile))
	require.NoError(t, err)
	require.Equal(t, "1500 TEST S2 hello from S2\n", string(log), "virtual milliseconds since the test started")
	require.NotContains(t, out, "hello from", "captured, not printed")

	out, code = runChild(t, "Logged", labtest.EnvArtifacts+"="+t.TempDir(), labtest.EnvLog+"=")
	require.Equal(t, 1, code, out)
	require.NoFileExists(t, filepath.Join(artefactDir(t, out), labtest.LogFile), "no log unless asked")
}

func artefactDir(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`distlab: artifacts=(\S+)`).FindStringSubmatch(out)
	require.NotNil(t, m, "no artefact line in:\n%s", out)
	return m[1]
}
