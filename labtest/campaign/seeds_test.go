package campaign

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSeedRangesParseAndPrint(t *testing.T) {
	s, err := ParseSeeds("1-100000")
	require.NoError(t, err)
	require.Equal(t, Seeds{{1, 100000}}, s)
	require.Equal(t, int64(100000), s.Len())
	s, err = ParseSeeds("7, 20-29,-5--3")
	require.NoError(t, err)
	require.Equal(t, Seeds{{7, 7}, {20, 29}, {-5, -3}}, s)
	require.Equal(t, "7,20-29,-5--3", s.String())
	require.Equal(t, int64(14), s.Len())
	for in, want := range map[string]string{
		"":                           "no seed",
		"x":                          `"x" is not a seed`,
		"9-3":                        "ends before it starts",
		"1-1e18":                     "is not a seed",
		"0-" + "9223372036854775806": "more than",
	} {
		_, err := ParseSeeds(in)
		require.ErrorContains(t, err, want, in)
	}
}

func TestTheShardsOfASeedListRunEachSeedOnceAndCountTheirShare(t *testing.T) {
	s, err := ParseSeeds("1-10,100-104,-3")
	require.NoError(t, err)
	for _, n := range []int{1, 2, 3, 4, 16, 17} {
		seen := map[int64]int{}
		var total int64
		for i := range n {
			sh := Shard{Index: i, Count: n}
			var got int64
			s.Each(sh, func(k, seed int64) bool {
				require.Equal(t, int64(i), k%int64(n), "seed %d at position %d is shard %d's", seed, k, i)
				seen[seed]++
				got++
				return true
			})
			require.Equal(t, s.Count(sh), got, "shard %d/%d", i, n)
			total += got
		}
		require.Equal(t, s.Len(), total)
		require.Len(t, seen, 16)
		for seed, c := range seen {
			require.Equal(t, 1, c, "seed %d with %d shards", seed, n)
		}
	}
	var first []int64
	s.Each(Shard{}, func(_, seed int64) bool { first = append(first, seed); return len(first) < 3 })
	require.Equal(t, []int64{1, 2, 3}, first, "Each stops when told")
}
