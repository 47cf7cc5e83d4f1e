package chaos_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/labtest/report"
	"distlab/porcupine"
)

// envArgs carries the command line of "distlab chaos" to the child process
// that labtest.Main starts, which is this test binary again.
const envArgs = "CHAOS_TEST_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(envArgs); args != "" && os.Getenv(labtest.EnvMain) != "" {
		os.Exit(chaos.Command(strings.Fields(args), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// command runs "distlab chaos args..." as the command does, its run in a
// child process, with artefacts under a temporary folder.
func command(t *testing.T, args ...string) (string, int) {
	t.Setenv(envArgs, strings.Join(args, " "))
	t.Setenv(labtest.EnvArtifacts, t.TempDir())
	// The command sets GOMAXPROCS for its children when it is unset; the
	// variable is put back as it was after the test.
	if v, set := os.LookupEnv("GOMAXPROCS"); set {
		t.Setenv("GOMAXPROCS", v)
	} else {
		t.Setenv("GOMAXPROCS", "")
		os.Unsetenv("GOMAXPROCS")
	}
	var out bytes.Buffer
	code := chaos.Command(args, &out, &out)
	return out.String(), code
}

func TestRunOfACorrectServicePassesWithFaultsAndOperations(t *testing.T) {
	var s chaos.Summary
	labtest.Run(t, func(t *testing.T) { s = chaos.Run(t, "toy", chaos.Config{}) })
	require.True(t, s.OK(), "%+v", s)
	require.True(t, s.Checked)
	require.Equal(t, porcupine.Ok, s.Verdict)
	require.Positive(t, s.Ops)
	require.Positive(t, s.FaultCount())
	require.Equal(t, 1, s.Rounds)
	require.Empty(t, s.Dir, "a passing run in a test writes no folder unless asked")
}

func TestCommandPrintsItsSummaryOnceAndWritesTheArtefactFolder(t *testing.T) {
	out, code := command(t, "toy", "-seed", "5", "-round", "1s")
	require.Equal(t, 0, code, out)
	require.Equal(t, 1, strings.Count(out, "toy chaos: 3 servers, 3 clients, seed 5\n"), out)
	require.NotContains(t, out, "distlab: virtual=", "the summary is printed once")
	require.Contains(t, out, "safety       no violation (the toy invariant)")
	report := regexp.MustCompile(`report\s+(\S+)`).FindStringSubmatch(out)
	require.NotNil(t, report, out)
	dir := filepath.Dir(report[1])
	for _, f := range []string{labtest.ScheduleFile, labtest.HistoryFile, labtest.HistoryHTMLFile, chaos.SummaryFile} {
		require.FileExists(t, filepath.Join(dir, f))
	}
	var s chaos.Summary
	b, err := os.ReadFile(filepath.Join(dir, chaos.SummaryFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &s))
	require.Equal(t, int64(5), s.Seed)
	require.Equal(t, 2, s.Rounds)
	require.True(t, s.OK())
	require.NoFileExists(t, filepath.Join(dir, labtest.ReportFile), "a passing run writes the run report only with -report")
}

func TestReportFlagWritesThePassingRunsReportWithItsLog(t *testing.T) {
	out, code := command(t, "toy", "-seed", "5", "-report")
	require.Equal(t, 0, code, out)
	page := regexp.MustCompile(`report\s+(\S+)`).FindStringSubmatch(out)
	require.NotNil(t, page, out)
	require.Equal(t, labtest.ReportFile, filepath.Base(page[1]))
	d, err := report.Load(filepath.Join(filepath.Dir(page[1]), report.JSONFile))
	require.NoError(t, err)
	require.False(t, d.Failed)
	require.Len(t, d.Lanes, 3+3+1, "3 servers, 3 clients and the probe's lane")
	require.Positive(t, d.MessagesTotal)
	require.NotNil(t, d.History)
	require.Equal(t, "ok", d.History.Verdict)
	require.Empty(t, d.LogsNote, "the command keeps the per-peer log for the report")
}

func TestFailingRunWritesTheFolderOfAFailingTest(t *testing.T) {
	out, code := command(t, "toy", "-stale", "-clients", "4")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "is not linearizable")
	require.Contains(t, out, "verdict      NOT linearizable")
	dir := regexp.MustCompile(`distlab: artifacts=(\S+)`).FindStringSubmatch(out)
	require.NotNil(t, dir, out)
	require.Contains(t, out, "report       "+filepath.Join(dir[1], labtest.ReportFile), "one folder for the summary and the harness")
	for _, f := range []string{labtest.ScheduleFile, labtest.HistoryFile, labtest.HistoryHTMLFile, chaos.SummaryFile, labtest.ReportFile, report.JSONFile} {
		require.FileExists(t, filepath.Join(dir[1], f))
	}
	require.Contains(t, out, "distlab: replay: DISTLAB_REPLAY="+filepath.Join(dir[1], labtest.ScheduleFile))
}

func TestServiceThatDoesNotServeAfterHealingFailsLiveness(t *testing.T) {
	out, code := command(t, "toy", "-deaf")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "liveness: round 1: within 10s of healing, the toy is deaf")
	require.Contains(t, out, "liveness     FAILED")
}

func TestInvariantViolationFailsTheRun(t *testing.T) {
	out, code := command(t, "toy", "-violate")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "round 1: 1 invariant violation(s):\n")
	require.Contains(t, out, "safety       1 VIOLATIONS:")
}

func TestBadSettingsAreNamedByTheirFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"toy", "-servers", "2"}, "-servers 2: toy needs at least 3"},
		{[]string{"toy", "-clients", "0"}, "-clients 0: need at least 1"},
		{[]string{"toy", "-duration", "-1s"}, "-duration -1s: need a positive duration"},
		{[]string{"toy", "-crash", "-1"}, "-crash -1: a rate cannot be negative"},
		{[]string{"toy", "-partition", "0", "-crash", "0", "-restart", "0", "-disconnect", "0", "-cut", "0", "-mode", "0"}, "every fault rate is 0"},
		{[]string{"toy", "extra"}, `unexpected argument "extra"`},
		{[]string{"toy", "-nosuchflag"}, "flag provided but not defined: -nosuchflag"},
		{[]string{"nolab"}, `unknown lab "nolab"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errs strings.Builder
			require.Equal(t, 2, chaos.Command(tc.args, &out, &errs))
			require.Contains(t, errs.String(), tc.want)
		})
	}
}

func TestCommandListsTheRegisteredLabs(t *testing.T) {
	var out, errs strings.Builder
	require.Equal(t, 0, chaos.Command([]string{"-h"}, &out, &errs))
	require.Contains(t, out.String(), "\n  toy      a toy register")
	require.Equal(t, 0, chaos.Command([]string{"toy", "-h"}, &out, &errs))
	require.Contains(t, errs.String(), "usage: distlab chaos toy [flags]")
	require.Contains(t, errs.String(), "-stale")
}
