package campaign

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestShardsCoverEveryItemExactlyOnce(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 16} {
		seen := make([]int, 1000)
		for i := range n {
			sh, err := ParseShard(fmtShard(i, n))
			require.NoError(t, err)
			for k := range seen {
				if sh.Has(k) {
					seen[k]++
				}
			}
		}
		for k, c := range seen {
			require.Equal(t, 1, c, "item %d with %d shards", k, n)
		}
	}
	require.True(t, Shard{}.Has(12345), "the zero Shard is everything")
}

func fmtShard(i, n int) string { return strconv.Itoa(i) + "/" + strconv.Itoa(n) }

func TestABadShardIsNamed(t *testing.T) {
	for in, want := range map[string]string{
		"3":    "want i/n",
		"a/4":  "two integers",
		"0/0":  "at least 1 shard",
		"4/4":  "must be below 4",
		"-1/4": "must be below 4",
	} {
		_, err := ParseShard(in)
		require.ErrorContains(t, err, want, in)
	}
}

func TestTheShardComesFromTheFlagElseTheEnvironment(t *testing.T) {
	t.Setenv(EnvShard, "")
	t.Setenv(EnvJobIndex, "")
	t.Setenv(EnvShards, "")
	sh, err := ResolveShard("")
	require.NoError(t, err)
	require.Equal(t, Shard{}, sh)

	// A Kubernetes Indexed Job: the index from Kubernetes, the total from the manifest.
	t.Setenv(EnvJobIndex, "2")
	t.Setenv(EnvShards, "5")
	sh, err = ResolveShard("")
	require.NoError(t, err)
	require.Equal(t, Shard{2, 5}, sh)

	// A CI matrix sets DISTLAB_SHARD, which wins over the Job's variables.
	t.Setenv(EnvShard, "1/3")
	sh, err = ResolveShard("")
	require.NoError(t, err)
	require.Equal(t, Shard{1, 3}, sh)

	// The flag wins over everything.
	sh, err = ResolveShard("0/2")
	require.NoError(t, err)
	require.Equal(t, Shard{0, 2}, sh)

	t.Setenv(EnvShard, "9/3")
	_, err = ResolveShard("")
	require.ErrorContains(t, err, "$DISTLAB_SHARD")
	t.Setenv(EnvShard, "")
	t.Setenv(EnvJobIndex, "")
	_, err = ResolveShard("")
	require.ErrorContains(t, err, "$JOB_COMPLETION_INDEX is not")
	_, err = ResolveShard("x")
	require.ErrorContains(t, err, "-shard")
}

func TestTheSubShardsOfAShardCoverItsItemsOnce(t *testing.T) {
	for _, sh := range []Shard{{}, {0, 1}, {1, 3}, {2, 5}} {
		for _, p := range []int{1, 2, 3} {
			for k := range 200 {
				n := 0
				for j := range p {
					if sh.Sub(j, p).Has(k) {
						n++
					}
				}
				want := 0
				if sh.Has(k) {
					want = 1
				}
				require.Equal(t, want, n, "item %d, shard %v, %d workers", k, sh, p)
			}
		}
	}
}
