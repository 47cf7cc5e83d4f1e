package logview

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"distlab/lablog"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	require.Equal(t, string(want), got, "output differs from %s (go test -update rewrites it)", path)
}

// sampleLog is an election among three peers with test output, a log line
// of a peer the layout has no column for, and a panic mixed in.
const sampleLog = `=== RUN   TestInitialElection3A
Test (3A): initial election ...
0 TIMR S0 election timer set to 312ms
0 TIMR S1 election timer set to 455ms
0 TIMR S2 election timer set to 398ms
312 TERM S0 timed out, becoming candidate for term 1 and asking every other peer for its vote
313 VOTE S1 granted to S0 in term 1
313 VOTE S2 granted to S0 in term 1
314 LEAD S0 won term 1 with 3 votes
  ... Passed --   3.1  3   58    0
400 DROP S7 a message for a peer that does not exist
panic: runtime error: index out of range [7] with length 3

goroutine 12 [running]:
distlab/raft.(*Raft).sendAppend(...)
`

func render(t *testing.T, o Options) (string, Stats) {
	t.Helper()
	var out bytes.Buffer
	st, err := Render(strings.NewReader(sampleLog), &out, o)
	require.NoError(t, err)
	return out.String(), st
}

func TestColumnsPutEachPeerInItsOwnColumnAndWrap(t *testing.T) {
	out, st := render(t, Options{Columns: 3, Width: 80})
	checkGolden(t, "columns.golden", out)
	require.Equal(t, Stats{Lines: 7, Other: 7, Outside: 1}, st)
}

func TestWithoutColumnsLinesPassThroughWithColouredTopics(t *testing.T) {
	out, _ := render(t, Options{Color: true})
	checkGolden(t, "plain-color.golden", out)
	plain, _ := render(t, Options{})
	require.Equal(t, sampleLog, plain, "without columns or colour the log is printed as it is")
}

func TestFiltersDropOnlyLogLines(t *testing.T) {
	only, st := render(t, Options{Only: []string{"vote,lead"}})
	require.Equal(t, 5, st.Filtered)
	require.NotContains(t, only, "TIMR")
	require.NotContains(t, only, "TERM")
	require.Contains(t, only, "314 LEAD S0 won term 1")
	for _, l := range []string{"=== RUN   TestInitialElection3A", "panic: runtime error", "goroutine 12 [running]:", "  ... Passed --"} {
		require.Contains(t, only, l, "a line that is not a log line is never filtered")
	}
	ignore, st := render(t, Options{Ignore: []string{"TIMR", "drop"}, Columns: 3, Width: 80})
	require.Equal(t, 4, st.Filtered)
	require.NotContains(t, ignore, "TIMR")
	require.NotContains(t, ignore, "a message for a peer")
	require.Contains(t, ignore, "goroutine 12 [running]:")
}

func TestPeerIdsOfManyDigitsGetTheirColumn(t *testing.T) {
	var out bytes.Buffer
	_, err := Render(strings.NewReader("5 VOTE S11 twelfth\n6 VOTE S0 first\n"), &out, Options{Columns: 12, Width: 7 + 12*13})
	require.NoError(t, err)
	lines := strings.Split(out.String(), "\n")
	require.Equal(t, 7+11*13+1, strings.Index(lines[0], "S11"), "header: %q", lines[0])
	require.Equal(t, strings.Index(lines[0], "S11"), strings.Index(lines[1], "VOTE"), "S11's line sits under its header")
	require.Equal(t, strings.Index(lines[0], "S0"), strings.Index(lines[2], "VOTE"))
}

func TestReadsWhatLablogWrites(t *testing.T) {
	var logged bytes.Buffer
	old := lablog.SetOutput(&logged)
	defer lablog.SetOutput(old)
	lablog.SetTopics("VOTE,LEAD")
	defer lablog.SetTopics(os.Getenv("DISTLAB_VERBOSE"))
	lablog.For(0).Printf("VOTE", "asks for votes in term %d", 4)
	lablog.For(2).Printf("LEAD", "leads term %d", 4)
	var out bytes.Buffer
	st, err := Render(&logged, &out, Options{Columns: 3, Width: 100})
	require.NoError(t, err)
	require.Equal(t, Stats{Lines: 2}, st, "every lablog line parses:\n%s", logged.String())
}

func TestWrapCutsAtSpacesAndInsideLongWords(t *testing.T) {
	require.Equal(t, []string{"VOTE a", "b c"}, wrap("VOTE a b c", 6))
	require.Equal(t, []string{"abcdef", "ghij"}, wrap("abcdefghij", 6))
	require.Equal(t, []string{"ééé", "éé"}, wrap("ééééé", 3), "widths count characters, not bytes")
	require.Equal(t, []string{""}, wrap("", 5))
}

func TestCommandReadsFileOrStdin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.log")
	require.NoError(t, os.WriteFile(path, []byte(sampleLog), 0o644))
	want, _ := render(t, Options{Columns: 3, Width: 80})
	for _, args := range [][]string{{"-c", "3", "-w", "80", path}, {"-c", "3", "-w", "80", "-"}, {"-c", "3", "-w", "80"}} {
		var stdout, stderr bytes.Buffer
		status := command(args, strings.NewReader(sampleLog), &stdout, &stderr)
		require.Equal(t, 0, status, "%v: %s", args, stderr.String())
		require.Equal(t, want, stdout.String(), "%v", args)
		require.Equal(t, "distlab logs: 1 line(s) came from peers beyond the 3 columns and were printed whole; raise -c\n", stderr.String())
	}
}

func TestColorFlag(t *testing.T) {
	for _, tc := range []struct {
		mode  string
		color bool
	}{{"always", true}, {"never", false}, {"auto", false}} { // a buffer is not a terminal
		var stdout, stderr bytes.Buffer
		status := command([]string{"-color", tc.mode}, strings.NewReader("1 VOTE S0 hi\n"), &stdout, &stderr)
		require.Equal(t, 0, status)
		require.Equal(t, tc.color, strings.Contains(stdout.String(), "\x1b["), tc.mode)
	}
}

func TestBadUsageSaysWhatIsWrongAndShowsUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"-c", "-2"}, "-c -2: want 0 or more columns"},
		{[]string{"-c", "three"}, `invalid value "three" for flag -c`},
		{[]string{"-color", "sometimes"}, `-color "sometimes": want auto, always or never`},
		{[]string{"a.log", "b.log"}, "one log at a time, not 2"},
	} {
		var stdout, stderr bytes.Buffer
		status := command(tc.args, strings.NewReader(""), &stdout, &stderr)
		require.Equal(t, 2, status, "%v", tc.args)
		require.Contains(t, stderr.String(), "distlab logs: "+tc.want, "%v", tc.args)
		require.Contains(t, stderr.String(), Usage, "%v", tc.args)
	}
	var stdout, stderr bytes.Buffer
	status := command([]string{"/no/such.log"}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, 1, status)
	require.Contains(t, stderr.String(), "distlab logs: open /no/such.log: no such file or directory")
}

func TestHelpIsTheManual(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, command([]string{"-h"}, nil, &stdout, &stderr))
	require.Empty(t, stderr.String())
	for _, want := range []string{Usage, "Examples:", "-only TOPICS", "DISTLAB_VERBOSE"} {
		require.Contains(t, stdout.String(), want)
	}
}

func TestTopicWiderThanItsColumnStillPrints(t *testing.T) {
	var out bytes.Buffer
	_, err := Render(strings.NewReader("7 AVERYLONGTOPICNAME S1 x\n"), &out, Options{Columns: 2, Width: 20, Color: true})
	require.NoError(t, err)
	require.Contains(t, out.String(), "AVERYLONGTOP")
	require.Contains(t, out.String(), "ICNAME x")
}
