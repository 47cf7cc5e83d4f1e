package runner

import (
	"bytes"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest/campaign"
)

// Three shards of "-n 4" make every run of every test exactly once, each
// with the iteration (and so the seed) it has in one unsharded campaign,
// and their -json files merge into the unsharded campaign's verdicts.
func TestShardsOfACampaignMakeEveryRunOnceAndMergeIntoTheWhole(t *testing.T) {
	dir := writeFixture(t)
	t.Setenv(campaign.EnvShard, "")
	t.Setenv(campaign.EnvJobIndex, "")
	t.Setenv(campaign.EnvShards, "")
	var files []string
	seen := map[string]int{}
	for i := range 3 {
		file := filepath.Join(dir, "runs-"+strconv.Itoa(i)+".json")
		files = append(files, file)
		_, out, errOut := runCommand(t, dir, "-run", "TestPass|TestFail|TestSometimes", "-n", "4", "-seed", "100",
			"-shard", strconv.Itoa(i)+"/3", "-json", file)
		require.Empty(t, errOut)
		require.Contains(t, out, "running")
		for _, e := range readEvents(t, file) {
			if e.Test != "" && (e.Action == "pass" || e.Action == "fail") {
				seen[e.Test+"#"+strconv.Itoa(e.Iteration)]++
			}
		}
	}
	require.Len(t, seen, 12, "3 tests x 4 runs")
	for run, n := range seen {
		require.Equal(t, 1, n, "%s ran once in all", run)
	}

	rep, err := ReportFromEvents(files)
	require.NoError(t, err)
	got := map[string][2]int{}
	for _, s := range rep.Tests {
		got[s.Test] = [2]int{s.Runs, s.Failures}
	}
	require.Equal(t, map[string][2]int{"TestPass": {4, 0}, "TestFail": {4, 4}, "TestSometimes": {4, 2}}, got)
	for _, s := range rep.Tests {
		for _, r := range s.Failed {
			require.NotEmpty(t, r.Seed, "a merged failure keeps the seed it printed")
		}
	}
	var table bytes.Buffer
	WriteTable(&table, rep, false)
	require.Contains(t, table.String(), "TestSometimes")

	_, err = ReportFromEvents([]string{files[0], files[1], files[0]})
	require.ErrorContains(t, err, "do the shards overlap?")
}

func TestAKubernetesIndexedJobPicksItsShardFromTheEnvironment(t *testing.T) {
	t.Setenv(campaign.EnvShard, "")
	t.Setenv(campaign.EnvJobIndex, "1")
	t.Setenv(campaign.EnvShards, "4")
	c, err := parseFlags([]string{"-n", "2", "./raft"}, nil, nil)
	require.NoError(t, err)
	require.Equal(t, campaign.Shard{Index: 1, Count: 4}, c.o.Shard)
	c, err = parseFlags([]string{"-shard", "3/4", "./raft"}, nil, nil)
	require.NoError(t, err)
	require.Equal(t, campaign.Shard{Index: 3, Count: 4}, c.o.Shard, "the flag wins")
	_, err = parseFlags([]string{"-shard", "4/4", "./raft"}, nil, nil)
	require.ErrorContains(t, err, "-shard")
}
