package chaos_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
	"distlab/labtest/campaign"
)

func TestACampaignRunsEverySeedOfItsShardAndWritesARecordEach(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, shard := range []string{"0/2", "1/2"} {
		file := filepath.Join(dir, "results-"+shard[:1]+".jsonl")
		files = append(files, file)
		out, code := command(t, "toy", "-seeds", "1-6", "-p", "1", "-round", "1s", "-duration", "2s", "-shard", shard, "-o", file)
		require.Equal(t, 0, code, out)
		require.Contains(t, out, "toy: 3 seeds\n")
		require.Contains(t, out, "toy: 3/3 seeds")
		require.Contains(t, out, "toy  3      3   0           0")
	}
	rs, err := campaign.Merge(files, nil)
	require.NoError(t, err, "the shards do not overlap")
	require.Len(t, rs, 6)
	for i, r := range rs {
		require.Equal(t, int64(i+1), r.Seed)
		require.Equal(t, campaign.VerdictOK, r.Verdict)
		require.Positive(t, r.Ops)
		require.Positive(t, r.Faults)
		require.GreaterOrEqual(t, r.Virtual, 2.0)
	}
}

func TestACampaignListsEachFailureWithItsReplayCommand(t *testing.T) {
	out, code := command(t, "toy", "-stale", "-clients", "4", "-seeds", "1-3", "-p", "1", "-duration", "2s")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "toy  3      0   3")
	// Each failure's replay command runs its seed alone, with the campaign's other flags.
	require.Equal(t, 3, strings.Count(out, "linearizability  distlab chaos toy -seed "), out)
	require.Contains(t, out, "distlab chaos toy -seed 2 -stale -clients 4 -duration 2s")

	// Each failed seed's artefacts replay that seed alone.
	dirs := regexp.MustCompile(`distlab: artifacts=(\S+)`).FindAllStringSubmatch(out, -1)
	require.Len(t, dirs, 3, out)
	for _, d := range dirs {
		s, err := labtest.LoadSchedule(filepath.Join(d[1], labtest.ScheduleFile))
		require.NoError(t, err)
		require.Equal(t, "chaos-toy", s.Test)
		require.Equal(t, []string{"chaos", "toy", "-seed", strconv.FormatInt(s.Seed, 10), "-stale", "-clients", "4", "-duration", "2s"}, s.Command[1:])
	}
}

// On one thread (the command's default), a seed of the toy lab — clients,
// a nemesis, an unreliable network — replays bit for bit: the same
// schedule, the same messages with the same fates at the same instants,
// the same history. (Not under the race detector, which randomises the
// scheduler: there the check must still run and report.)
func TestADeterminismCheckRunsEachSeedTwiceAndTheToyLabReplays(t *testing.T) {
	out, code := command(t, "toy", "-seeds", "1-8", "-p", "1", "-duration", "2s", "-check-determinism")
	require.Equal(t, 0, code, out)
	if raceEnabled {
		require.Contains(t, out, "seeds deterministic", out)
		return
	}
	require.Contains(t, out, "8 of 8 seeds deterministic", out)
}

func TestBadCampaignFlagsAreNamed(t *testing.T) {
	out, code := command(t, "toy", "-seeds", "9-3")
	require.Equal(t, 2, code)
	require.Contains(t, out, "-seeds")
	out, code = command(t, "toy", "-seeds", "1-3", "-shard", "3/3")
	require.Equal(t, 2, code)
	require.Contains(t, out, "-shard")
	out, code = command(t, "toy", "-seeds", "1-3", "-p", "0")
	require.Equal(t, 2, code)
	require.Contains(t, out, "-p 0")
}
