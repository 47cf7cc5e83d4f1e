package campaign

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// fake fails every seventh seed.
func fake(_ context.Context, seed int64) Record {
	r := Record{Lab: "fake", Seed: seed, Verdict: VerdictOK, Ops: 1}
	if seed%7 == 0 {
		r.Verdict, r.Violation, r.Replay = VerdictViolation, "linearizability", "distlab chaos fake -seed "+strconv.FormatInt(seed, 10)
	}
	return r
}

func TestAShardedCampaignRunsEachSeedOnceAndReportsItsFailures(t *testing.T) {
	seeds, err := ParseSeeds("1-100")
	require.NoError(t, err)
	dir := t.TempDir()
	var files []string
	var failures int64
	for i := range 3 {
		path := filepath.Join(dir, "results-"+strconv.Itoa(i)+".jsonl")
		files = append(files, path)
		f, err := os.Create(path)
		require.NoError(t, err)
		var progress bytes.Buffer
		st, all, err := Campaign(context.Background(), Options{Seeds: seeds, Shard: Shard{i, 3}, Parallel: 4,
			Results: NewRecordWriter(f), Progress: NewProgress(&progress, "fake", false)}, fake)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		require.False(t, st.Interrupted)
		require.Equal(t, seeds.Count(Shard{i, 3}), st.Done)
		require.Len(t, all, int(st.Done))
		var failed int64
		for _, r := range all {
			if r.Failed() {
				failed++
				require.Zero(t, r.Seed%7)
			}
		}
		require.Equal(t, failed, st.Failed)
		failures += st.Failed
		require.Contains(t, progress.String(), "fake: "+strconv.FormatInt(st.Planned, 10)+" seeds\n")
		require.Contains(t, progress.String(), "FAIL seed ")
		require.Contains(t, progress.String(), "seeds/s")
	}
	require.Equal(t, int64(14), failures)
	rs, err := Merge(files, nil)
	require.NoError(t, err, "the shards do not overlap")
	require.Len(t, rs, 100)
	for i, r := range rs {
		require.Equal(t, int64(i+1), r.Seed)
	}
}

func TestAnInterruptedCampaignKeepsWhatItFinished(t *testing.T) {
	seeds, err := ParseSeeds("1-1000000")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	run := func(ctx context.Context, seed int64) Record {
		if n.Add(1) == 50 {
			cancel() // Ctrl-C
		}
		return fake(ctx, seed)
	}
	var results, progress bytes.Buffer
	st, _, err := Campaign(ctx, Options{Seeds: seeds, Parallel: 2, Results: NewRecordWriter(&results),
		Progress: NewProgress(&progress, "fake", false)}, run)
	require.NoError(t, err)
	require.True(t, st.Interrupted)
	require.Less(t, st.Done, int64(60))
	require.Equal(t, int(st.Done), strings.Count(results.String(), "\n"), "every finished seed is in the results")
	require.Contains(t, progress.String(), "(interrupted)")
}

// The workers here are shell commands that write their sub-shard's records.
func TestWorkersSplitTheShardAndTheirRecordsAreGatheredOnce(t *testing.T) {
	seeds, err := ParseSeeds("1-40")
	require.NoError(t, err)
	outer := Shard{Index: 1, Count: 2}
	var results, progress bytes.Buffer
	st, all, err := Workers(context.Background(), WorkerOptions{
		Workers: 3, Shard: outer, Planned: seeds.Count(outer),
		Results: NewRecordWriter(&results), Progress: NewProgress(&progress, "fake", false),
		Command: func(sub Shard, out string) []string {
			var lines []string
			seeds.Each(sub, func(_, seed int64) bool {
				verdict := "ok"
				if seed%10 == 0 {
					verdict = "violation"
				}
				lines = append(lines, `{"lab":"fake","seed":`+strconv.FormatInt(seed, 10)+`,"verdict":"`+verdict+`"}`)
				return true
			})
			return append([]string{"sh", "-c", `printf '%s\n' "$@" > ` + out, "sh"}, lines...)
		},
	})
	require.NoError(t, err)
	require.Equal(t, int64(20), st.Done)
	require.Equal(t, int64(4), st.Failed, "seeds 10, 20, 30 and 40 fail")
	seen := map[int64]bool{}
	for _, r := range all {
		require.False(t, seen[r.Seed], "seed %d twice", r.Seed)
		seen[r.Seed] = true
		require.Equal(t, int64(0), r.Seed%2, "the outer shard 1/2 has the even seeds")
	}
	require.Equal(t, 20, strings.Count(results.String(), "\n"))
	require.Contains(t, progress.String(), "fake: 20/20 seeds")
}
