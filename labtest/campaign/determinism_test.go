package campaign

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFirstDifferenceNamesTheFirstEventThatDiffers(t *testing.T) {
	require.Nil(t, FirstDifference([]string{"a", "b"}, []string{"a", "b"}))
	require.Equal(t, &Divergence{1, "b", "c"}, FirstDifference([]string{"a", "b", "x"}, []string{"a", "c", "x"}))
	require.Equal(t, &Divergence{2, "", "z"}, FirstDifference([]string{"a", "b"}, []string{"a", "b", "z"}))
	require.Equal(t, "event 2: first run (the run had ended); second run z", Divergence{2, "", "z"}.String())
}

// Seeds divisible by 5 take a different path on their second run.
func TestADeterminismCheckRunsEachSeedTwiceAndReportsTheDivergentOnes(t *testing.T) {
	var runs atomic.Int64
	seen := map[int64]int{}
	var mu = make(chan struct{}, 1)
	run := func(_ context.Context, seed int64) Record {
		runs.Add(1)
		mu <- struct{}{}
		seen[seed]++
		n := seen[seed]
		<-mu
		trace := []string{"crash S1 at 1s", "partition at " + strconv.FormatInt(seed, 10) + "s"}
		if seed%5 == 0 && n == 2 {
			trace[1] = "partition at 0s"
		}
		return Record{Lab: "fake", Seed: seed, Verdict: VerdictOK, Trace: trace}
	}
	seeds, err := ParseSeeds("1-20")
	require.NoError(t, err)
	var results, progress bytes.Buffer
	st, _, err := Campaign(context.Background(), Options{Seeds: seeds, Parallel: 3, CheckDeterminism: true,
		Results: NewRecordWriter(&results), Progress: NewProgress(&progress, "fake", false)}, run)
	require.NoError(t, err)
	require.Equal(t, int64(40), runs.Load(), "each seed twice")
	require.Equal(t, int64(4), st.Divergent)
	require.Contains(t, progress.String(), "NONDETERMINISTIC seed 5: event 1: first run partition at 5s; second run partition at 0s")
	require.NotContains(t, results.String(), "crash S1", "traces are compared, not written")
	require.Contains(t, results.String(), `"deterministic":false,"divergence":"event 1:`)

	var rs []Record
	for _, line := range bytes.Split(bytes.TrimSpace(results.Bytes()), []byte("\n")) {
		var r Record
		require.NoError(t, json.Unmarshal(line, &r))
		rs = append(rs, r)
	}
	var summary bytes.Buffer
	WriteSummary(&summary, rs)
	require.Contains(t, summary.String(), "fake: 16 of 20 seeds deterministic (80.0%); first divergence: seed ")
}
