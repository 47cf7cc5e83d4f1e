package mergecmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest/campaign"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestChaosShardsMergeIntoOneTableAndOneFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "results-0.jsonl", `{"lab":"kvraft","seed":2,"verdict":"ok","ops":5}`+"\n")
	write(t, dir, "results-1.jsonl", `{"lab":"kvraft","seed":1,"verdict":"ok","ops":7}`+"\n")
	all := filepath.Join(dir, "all.jsonl")
	var out, errb bytes.Buffer
	require.Equal(t, 0, Command([]string{"-o", all, filepath.Join(dir, "results-*.jsonl")}, &out, &errb), errb.String())
	require.Contains(t, out.String(), "kvraft  2      2")
	rs, err := campaign.ReadRecords(all, nil)
	require.NoError(t, err)
	require.Equal(t, []int64{1, 2}, []int64{rs[0].Seed, rs[1].Seed})

	write(t, dir, "results-2.jsonl", `{"lab":"kvraft","seed":3,"verdict":"violation","violation":"liveness","replay":"distlab replay /tmp/x"}`+"\n")
	out.Reset()
	require.Equal(t, 1, Command([]string{filepath.Join(dir, "results-*.jsonl")}, &out, &errb), "a failed seed makes the status 1")
	require.Contains(t, out.String(), "distlab replay /tmp/x")
}

func event(test, action string, iteration int, output string) string {
	b, _ := json.Marshal(map[string]any{"Action": action, "Package": "distlab/raft", "Test": test, "Iteration": iteration, "Output": output, "Elapsed": 0.5})
	return string(b)
}

func TestTestShardsMergeAndGradeTogether(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "runs-0.json", strings.Join([]string{
		event("TestA", "run", 1, ""), event("TestA", "output", 1, "distlab: virtual=2s seed=11\n"), event("TestA", "pass", 1, ""),
		event("TestB", "run", 2, ""), event("TestB", "fail", 2, ""),
	}, "\n")+"\n")
	b := write(t, dir, "runs-1.json", strings.Join([]string{
		event("TestB", "run", 1, ""), event("TestB", "pass", 1, ""),
		event("TestA", "run", 2, ""), event("TestA/sub", "pass", 2, ""), // no verdict of TestA itself: its binary died
	}, "\n")+"\n")
	rubric := write(t, dir, "rubric.toml", "[[items]]\ntest = \"TestA\"\npoints = 4\npartial = \"runs\"\n[[items]]\ntest = \"TestB\"\npoints = 2\npartial = \"runs\"\n")
	results := filepath.Join(dir, "results.json")
	var out, errb bytes.Buffer
	require.Equal(t, 1, Command([]string{"-rubric", rubric, "-results", results, a, b}, &out, &errb), errb.String())
	require.Contains(t, out.String(), "TestA")
	var res struct{ Score float64 }
	data, err := os.ReadFile(results)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &res))
	require.Equal(t, 3.0, res.Score, "half of each item's runs passed")
}

func TestMergeNamesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	require.Equal(t, 2, Command([]string{filepath.Join(dir, "none-*.jsonl")}, &out, &errb))
	require.Contains(t, errb.String(), "no file matches")
	errb.Reset()
	require.Equal(t, 2, Command([]string{write(t, dir, "x.jsonl", "hello\n")}, &out, &errb))
	require.Contains(t, errb.String(), "x.jsonl: the first line is not JSON")
	errb.Reset()
	p := write(t, dir, "r.jsonl", `{"lab":"raft","seed":1,"verdict":"ok"}`+"\n")
	require.Equal(t, 2, Command([]string{"-rubric", "r.toml", p}, &out, &errb))
	require.Contains(t, errb.String(), "holds chaos results")
}
