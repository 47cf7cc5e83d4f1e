package runner

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"distlab/internal/testattr"
)

func TestHarnessAttributesGiveSeedVirtualTimeArtifactsAndReplay(t *testing.T) {
	for _, tc := range []struct {
		attrs [][2]string
		want  harnessInfo
	}{
		{[][2]string{{testattr.Seed, "42"}, {testattr.Virtual, "12.5s"}},
			harnessInfo{Seed: "42", Virtual: 12500 * time.Millisecond, HasVirtual: true}},
		{[][2]string{{testattr.Seed, "-7"}, {testattr.Virtual, "1h0m2.5s"}, {testattr.Artifacts, "/tmp/a b"},
			{testattr.Replay, "DISTLAB_REPLAY='/tmp/a b/schedule.json' go test ./raft -run '^TestX$'"}},
			harnessInfo{Seed: "-7", Virtual: time.Hour + 2500*time.Millisecond, HasVirtual: true, Artifacts: "/tmp/a b",
				Replay: "DISTLAB_REPLAY='/tmp/a b/schedule.json' go test ./raft -run '^TestX$'"}},
		{[][2]string{{testattr.Seed, "not a number"}, {testattr.Virtual, "soon"}, {"other.key", "x"}}, harnessInfo{}},
		{[][2]string{{testattr.Virtual, "2s"}, {testattr.Virtual, "3s"}},
			harnessInfo{Virtual: 3 * time.Second, HasVirtual: true}},
	} {
		var h harnessInfo
		for _, kv := range tc.attrs {
			h.attr(kv[0], kv[1])
		}
		require.Equal(t, tc.want, h, "%q", tc.attrs)
	}
}

func TestTheFirstFailingSubtestsArtefactsStandForTheRunsButNotItsSeed(t *testing.T) {
	var h harnessInfo
	h.subtestAttr(testattr.Seed, "5")
	h.subtestAttr(testattr.Artifacts, "/tmp/run00")
	h.subtestAttr(testattr.Replay, "replay run00")
	h.subtestAttr(testattr.Artifacts, "/tmp/run01")
	require.Equal(t, harnessInfo{Artifacts: "/tmp/run00", Replay: "replay run00"}, h)
	h.attr(testattr.Artifacts, "/tmp/whole")
	require.Equal(t, "/tmp/whole", h.Artifacts, "the test's own wins")
}

func TestEventLinesGetTheirIteration(t *testing.T) {
	got := withIteration([]byte(`{"Action":"pass","Test":"TestX"}`), 12)
	require.Equal(t, `{"Action":"pass","Test":"TestX","Iteration":12}`, string(got))
}

func TestMeanAndSampleStandardDeviation(t *testing.T) {
	var m moments
	for _, s := range []float64{2, 4, 4, 4, 5, 5, 7, 9} {
		m.add(seconds(s))
	}
	require.Equal(t, 5*time.Second, m.mean())
	require.InDelta(t, 2.138, m.sd().Seconds(), 0.001)
	var one moments
	one.add(time.Second)
	require.Equal(t, time.Duration(0), one.sd())
}

func TestDurationsPrintWithAboutThreeDigits(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                         "0s",
		950 * time.Microsecond:    "950µs",
		1234 * time.Microsecond:   "1.23ms",
		123456 * time.Microsecond: "123ms",
		1234 * time.Millisecond:   "1.23s",
		12345 * time.Millisecond:  "12.3s",
		83 * time.Second:          "1m23s",
	} {
		require.Equal(t, want, FormatDuration(d))
	}
}

func TestLiveTableFitsTheTerminalAndClearsItself(t *testing.T) {
	var buf bytes.Buffer
	p := NewTerminalProgress(&buf, 40, time.Hour).(*ttyProgress)
	tests := []*Summary{{Test: "TestAVeryLongNameThatWouldWrapTheTerminal", Planned: 4}, {Test: "TestB", Planned: 4}}
	p.Planned(tests)
	r := &Result{Test: "TestB", Iteration: 1, Status: Fail, Wall: time.Millisecond}
	tests[1].add(r)
	p.Finished(r, tests[1])
	p.Done()
	out := buf.String()
	require.Contains(t, out, "--- FAIL\x1b[0m TestB run 1 (1.00ms)")
	require.True(t, strings.HasSuffix(out, "\x1b[3A\x1b[J"), "the live table is erased at the end: %q", out)
	for _, line := range strings.Split(out, "\n") {
		if i := strings.LastIndex(line, "\x1b[J"); i >= 0 {
			line = line[i+3:]
		}
		visible := 0
		esc := false
		for _, r := range line {
			switch {
			case esc:
				esc = !(r >= '@' && r <= '~' && r != '[')
			case r == '\x1b':
				esc = true
			default:
				visible++
			}
		}
		if !strings.Contains(line, "FAIL") {
			require.LessOrEqual(t, visible, 39, "%q", line)
		}
	}
}

func TestLiveTableRowsAlignAndLongNamesLoseTheirMiddle(t *testing.T) {
	var buf bytes.Buffer
	p := NewTerminalProgress(&buf, 80, time.Hour).(*ttyProgress)
	long := "TestLeaderCommitsOldTermEntriesOnlyThroughCurrentTermEntry"
	p.Planned([]*Summary{{Test: long, Planned: 4}, {Test: "TestB", Planned: 4}}) // draws the table
	var bars []int
	for _, line := range strings.Split(buf.String(), "\n") {
		if i := strings.Index(line, " ["); i >= 0 && strings.HasPrefix(line, "  Test") {
			bars = append(bars, utf8.RuneCountInString(line[:i]))
			if strings.Contains(line, "…") {
				require.True(t, strings.HasPrefix(line, "  TestLeaderCommits"), "%q keeps the name's start", line)
				require.Contains(t, line, "CurrentTermEntry [", "%q keeps the name's end", line)
			}
		}
	}
	require.Len(t, bars, 2, "two rows in %q", buf.String())
	require.Equal(t, bars[0], bars[1], "the bars of both rows start in one column:\n%s", buf.String())
	require.Contains(t, buf.String(), "…", "a name longer than the column is shortened")
	p.Done()
}
