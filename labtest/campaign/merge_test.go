package campaign

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func writeRecords(t *testing.T, path string, rs ...Record) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	w := NewRecordWriter(f)
	for _, r := range rs {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, f.Close())
}

func TestShardResultsMergeByLabAndSeedAndListFailuresWithTheirReplay(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "results-0.jsonl"), filepath.Join(dir, "results-1.jsonl")
	writeRecords(t, a,
		Record{Lab: "kvraft", Seed: 3, Verdict: VerdictOK, Virtual: 10, Wall: 0.05, Ops: 100, Faults: 4},
		Record{Lab: "kvraft", Seed: 1, Verdict: VerdictViolation, Violation: "linearizability", Detail: "Get(k) saw a lost Append",
			Virtual: 10, Wall: 0.05, Ops: 90, Faults: 5, Artifacts: "/tmp/distlab-chaos-1", Replay: "distlab replay /tmp/distlab-chaos-1"})
	writeRecords(t, b,
		Record{Lab: "kvraft", Seed: 2, Verdict: VerdictOK, Virtual: 10, Wall: 0.05, Ops: 110, Faults: 3},
		Record{Lab: "raft", Seed: 2, Verdict: VerdictError, Detail: "bad flag"})
	rs, err := Merge([]string{a, b}, nil)
	require.NoError(t, err)
	var order []string
	for _, r := range rs {
		order = append(order, r.Lab+"#"+string(rune('0'+r.Seed)))
	}
	require.Equal(t, []string{"kvraft#1", "kvraft#2", "kvraft#3", "raft#2"}, order)

	var out bytes.Buffer
	WriteSummary(&out, rs)
	for _, want := range []string{
		"LAB     SEEDS  OK  VIOLATIONS  ERRORS  OPS  FAULTS  VIRTUAL/SEED  WALL/SEED",
		"kvraft  3      2   1           0       300  12      10s           50ms",
		"raft    1      0   0           1       0    0       0s            0s",
		"1            kvraft  violation  linearizability: Get(k) saw a lost Append  distlab replay /tmp/distlab-chaos-1",
		"2            raft    error      bad flag",
	} {
		require.Contains(t, out.String(), want)
	}

	_, err = Merge([]string{a, b, a}, nil)
	require.ErrorContains(t, err, "seed 3 of kvraft is in both")
}

func TestATruncatedLastLineIsSkippedButABadLineIsAnError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.jsonl")
	require.NoError(t, os.WriteFile(p, []byte(`{"lab":"raft","seed":1,"verdict":"ok"}`+"\n"+`{"lab":"raft","se`), 0o644))
	var warn bytes.Buffer
	rs, err := ReadRecords(p, &warn)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	require.Contains(t, warn.String(), "r.jsonl:2: skipping a truncated last line")

	require.NoError(t, os.WriteFile(p, []byte(`{"lab":"raft","seed":1}`+"\n"+`{"lab":"raft","seed":2,"verdict":"ok"}`+"\n"), 0o644))
	_, err = ReadRecords(p, &warn)
	require.ErrorContains(t, err, "r.jsonl:1: not a campaign result line (no verdict)")
}
