package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runCommand runs "distlab test args..." in dir with plain progress and
// returns its exit status, stdout and stderr.
func runCommand(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	status := command(context.Background(), args, &stdout, &stderr, NewPlainProgress(&stdout))
	return status, stdout.String(), stderr.String()
}

func TestCommandTablesRunsFailuresAndVirtualTime(t *testing.T) {
	dir := writeFixture(t)
	status, out, errOut := runCommand(t, dir, "-n", "4", "-p", "1")
	require.Equal(t, 1, status, "a failing test makes the exit status 1\n%s%s", out, errOut)
	require.Empty(t, errOut)
	checkGolden(t, "table.golden", normalize(out, dir))
}

func TestCommandPassesWhenEveryRunPasses(t *testing.T) {
	dir := writeFixture(t)
	status, out, errOut := runCommand(t, dir, "-run", "TestPass", "-n", "3")
	require.Equal(t, 0, status, "%s%s", out, errOut)
	require.Contains(t, out, "PASS: 1 test, 3 runs")
}

func TestRunPatternMatchesWholeNamesOnly(t *testing.T) {
	dir := writeFixture(t)
	status, out, errOut := runCommand(t, dir, "-list", "-run", "TestSome")
	require.Equal(t, 2, status, "TestSome names no test: %s", out)
	require.Contains(t, errOut, `no test matches "TestSome"`)

	status, out, _ = runCommand(t, dir, "-list", "-run", "TestSome.*|TestPass")
	require.Equal(t, 0, status)
	require.Equal(t, "TestPass\nTestSometimes\n", out)
}

func TestSlashSelectsWholeSubtestNames(t *testing.T) {
	dir := writeFixture(t)
	events := filepath.Join(dir, "events.json")
	status, out, errOut := runCommand(t, dir, "-run", "TestSubtests/Put|Get", "-json", events, "./subtests")
	require.Equal(t, 0, status, "%s%s", out, errOut)
	var ran []string
	for _, e := range readEvents(t, events) {
		if e.Action == "run" {
			ran = append(ran, e.Test)
		}
	}
	require.Equal(t, []string{"TestSubtests", "TestSubtests/Put", "TestSubtests/Get"}, ran)
}

func TestFailingRunsKeepOutputSeedArtifactsAndReproduceCommand(t *testing.T) {
	dir := writeFixture(t)
	status, out, _ := runCommand(t, dir, "-run", "TestFail|TestSometimes", "-n", "2", "-o", "kept")
	require.Equal(t, 1, status)
	entries, err := os.ReadDir(filepath.Join(dir, "kept"))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"TestFail-1.log", "TestFail-2.log", "TestSometimes-1.log"}, names,
		"only failing runs are kept, by test and run")
	log, err := os.ReadFile(filepath.Join(dir, "kept", "TestFail-2.log"))
	require.NoError(t, err)
	checkGolden(t, "kept-log.golden", normalize(string(log), dir))
	require.Contains(t, out, "DISTLAB_SEED=22 go test -count=1 -run '^TestFail$' fixture")
}

func TestSeedFlagGivesEachRunItsSeed(t *testing.T) {
	dir := writeFixture(t)
	events := filepath.Join(dir, "events.json")
	fixtureFiles := map[string]string{"seed_test.go": `package fixture

import (
	"os"
	"testing"
)

func TestSeed(t *testing.T) { t.Logf("got %s", os.Getenv("DISTLAB_SEED")) }
`}
	for name, body := range fixtureFiles {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	status, out, errOut := runCommand(t, dir, "-run", "TestSeed", "-n", "3", "-seed", "100", "-json", events)
	require.Equal(t, 0, status, "%s%s", out, errOut)
	seen := map[int]string{}
	for _, e := range readEvents(t, events) {
		if e.Action == "output" && strings.Contains(e.Output, "got ") {
			seen[e.Iteration] = strings.TrimSpace(e.Output[strings.Index(e.Output, "got ")+4:])
		}
	}
	require.Equal(t, map[int]string{1: "100", 2: "101", 3: "102"}, seen)
}

type testEvent struct {
	Event
	Iteration int
}

func readEvents(t *testing.T, path string) []testEvent {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var evs []testEvent
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e testEvent
		require.NoError(t, json.Unmarshal([]byte(line), &e), "line %d of %s: %s", i+1, path, line)
		evs = append(evs, e)
	}
	return evs
}

func TestJSONEventsAreGoTestEventsWithTheirIteration(t *testing.T) {
	dir := writeFixture(t)
	events := filepath.Join(dir, "events.json")
	status, _, _ := runCommand(t, dir, "-n", "2", "-json", events)
	require.Equal(t, 1, status)
	verdicts := map[string]string{}
	for _, e := range readEvents(t, events) {
		require.Equal(t, "fixture", e.Package)
		require.Contains(t, []int{1, 2}, e.Iteration)
		if e.Test != "" && (e.Action == "pass" || e.Action == "fail") {
			verdicts[e.Test+"#"+string(rune('0'+e.Iteration))] = e.Action
		}
	}
	require.Equal(t, map[string]string{
		"TestPass#1": "pass", "TestPass#2": "pass",
		"TestFail#1": "fail", "TestFail#2": "fail",
		"TestSometimes#1": "fail", "TestSometimes#2": "pass",
	}, verdicts)
}

func TestJUnitReportHasACasePerRunAndFailureOutput(t *testing.T) {
	dir := writeFixture(t)
	junit := filepath.Join(dir, "report.xml")
	status, _, _ := runCommand(t, dir, "-n", "2", "-junit", junit)
	require.Equal(t, 1, status)
	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(data, &doc), "the JUnit file must be XML")
	require.Equal(t, 6, doc.Tests)
	require.Equal(t, 3, doc.Failures)
	require.Len(t, doc.Suites, 1)
	cases := map[string]*junitFailure{}
	for _, c := range doc.Suites[0].Cases {
		require.Equal(t, "fixture", c.Classname)
		cases[c.Name] = c.Failure
	}
	require.Len(t, cases, 6)
	require.Nil(t, cases["TestPass#1"])
	require.Nil(t, cases["TestSometimes#2"])
	require.NotNil(t, cases["TestSometimes#1"])
	require.Contains(t, cases["TestSometimes#1"].Body, "odd iteration 1")
	require.Equal(t, "run 2 failed (seed 22)", cases["TestFail#2"].Message)
}

func TestBadUsageSaysWhatIsWrongAndShowsUsage(t *testing.T) {
	dir := writeFixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"-n", "0"}, "-n 0: want at least 1 run"},
		{[]string{"-n", "many"}, `invalid value "many" for flag -n`},
		{[]string{"-run", "Test("}, `bad -run pattern "Test("`},
		{[]string{"-run", "TestA/B("}, `bad -run pattern "TestA/B(" (level 2)`},
		{[]string{"./nosuch"}, `unknown package "./nosuch"`},
		{[]string{"fixture/nosuch"}, `unknown package "fixture/nosuch"`},
		{[]string{"-rubric", "missing.json"}, "reading the rubric"},
	} {
		status, out, errOut := runCommand(t, dir, tc.args...)
		require.Equal(t, 2, status, "%v: %s", tc.args, out)
		require.Contains(t, errOut, "distlab test: "+tc.want, "%v", tc.args)
		require.Contains(t, errOut, Usage, "%v", tc.args)
	}
}

func TestHelpIsTheManual(t *testing.T) {
	var stdout, stderr bytes.Buffer
	status := command(context.Background(), []string{"-h"}, &stdout, &stderr, nil)
	require.Equal(t, 0, status)
	require.Empty(t, stderr.String())
	for _, want := range []string{Usage, "Examples:", "-rubric FILE", "-run REGEXP", "DISTLAB_ITERATION"} {
		require.Contains(t, stdout.String(), want)
	}
}
