package shardctrler

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func groupsOf(gids ...int) map[int][]string {
	m := map[int][]string{}
	for _, g := range gids {
		m[g] = []string{"x"}
	}
	return m
}

// counts returns, per gid of c, how many shards it holds.
func counts(c Config) map[int]int {
	n := map[int]int{}
	for gid := range c.Groups {
		n[gid] = 0
	}
	for _, gid := range c.Shards {
		n[gid]++
	}
	return n
}

// moves counts the shards whose group differs between a and b.
func moves(a, b Config) int {
	n := 0
	for s := range a.Shards {
		if a.Shards[s] != b.Shards[s] {
			n++
		}
	}
	return n
}

// requireBalanced fails unless every shard is on a group of c and the
// groups' counts differ by at most one.
func requireBalanced(t *testing.T, c Config) {
	t.Helper()
	if len(c.Groups) == 0 {
		require.Equal(t, [NShards]int{}, c.Shards, "config %d has no groups: every shard must be on gid 0", c.Num)
		return
	}
	for s, gid := range c.Shards {
		_, ok := c.Groups[gid]
		require.True(t, ok, "config %d: shard %d is on gid %d, which is not a group", c.Num, s, gid)
	}
	lo, hi := NShards, 0
	for _, n := range counts(c) {
		lo, hi = min(lo, n), max(hi, n)
	}
	require.LessOrEqual(t, hi-lo, 1, "config %d is unbalanced: %v", c.Num, c.Shards)
}

// minMoves is the fewest shards any balanced assignment must move from
// prev when the groups become those of next: shards on departed groups,
// plus what groups above the ceiling must shed, or what groups below the
// floor must gain, whichever is more.
func minMoves(prev, next Config) int {
	k := len(next.Groups)
	if k == 0 {
		return moves(prev, next)
	}
	floor, ceil := NShards/k, (NShards+k-1)/k
	have := counts(Config{Groups: next.Groups, Shards: prev.Shards})
	orphans, shed, gain := 0, 0, 0
	for _, gid := range prev.Shards {
		if _, ok := next.Groups[gid]; !ok {
			orphans++
		}
	}
	for gid := range next.Groups {
		shed += max(have[gid]-ceil, 0)
		gain += max(floor-have[gid], 0)
	}
	return max(orphans+shed, gain)
}

func TestRebalanceIsEvenMinimalAndDeterministic(t *testing.T) {
	cases := []struct {
		name   string
		shards [NShards]int
		groups []int
	}{
		{"first group takes everything", [NShards]int{}, []int{1}},
		{"second group joins", [NShards]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, []int{1, 2}},
		{"third joins an even split", [NShards]int{1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, []int{1, 2, 3}},
		{"a group leaves", [NShards]int{1, 1, 1, 1, 2, 2, 2, 3, 3, 3}, []int{1, 3}},
		{"all but one leave", [NShards]int{1, 1, 1, 1, 2, 2, 2, 3, 3, 3}, []int{2}},
		{"everyone leaves", [NShards]int{1, 1, 1, 1, 2, 2, 2, 3, 3, 3}, nil},
		{"after a Move", [NShards]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 2}, []int{1, 2}},
		{"more groups than shards", [NShards]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{"more groups than shards, some leave", [NShards]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{2, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16}},
		{"several join at once", [NShards]int{7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, []int{3, 5, 7, 9}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prev := Config{Shards: tc.shards}
			next := Config{Num: 1, Shards: tc.shards, Groups: groupsOf(tc.groups...)}
			rebalance(&next)
			requireBalanced(t, next)
			require.Equal(t, minMoves(prev, next), moves(prev, next), "from %v to %v", prev.Shards, next.Shards)
			for range 20 { // maps iterate in a new order each time
				again := Config{Num: 1, Shards: tc.shards, Groups: groupsOf(tc.groups...)}
				rebalance(&again)
				require.Equal(t, next.Shards, again.Shards, "rebalance must decide the same way every time")
			}
		})
	}
}
