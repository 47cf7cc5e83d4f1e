package shardctrler

import "sort"

// rebalance assigns every shard of c to one of c's groups so that the
// groups' shard counts differ by at most one (when there are more groups
// than shards, NShards groups get one shard each and the rest none), moving
// as few shards as possible from where they are.
//
// It is deterministic: it decides by sorted gids and shard numbers, never
// by the iteration order of a Go map, so every replica that applies the
// same operation computes the same configuration.
//
// The rule: shards on a gid that is no longer a group are free. Groups are
// ranked by how many shards they hold now (most first, then lower gid);
// the first NShards%n get NShards/n+1 shards and the rest NShards/n, so the
// groups that hold the most keep the most. A group above its target frees
// its highest-numbered shards; the free shards, in order, fill the groups
// below their targets, in gid order. Every moved shard either had no group
// or left a group above its target, which is the least any balancing can
// move.
func rebalance(c *Config) {
	gids := make([]int, 0, len(c.Groups))
	for gid := range c.Groups {
		gids = append(gids, gid)
	}
	sort.Ints(gids)
	if len(gids) == 0 {
		c.Shards = [NShards]int{}
		return
	}
	owned := map[int][]int{} // gid -> its shards, ascending
	var free []int
	for s, gid := range c.Shards {
		if _, ok := c.Groups[gid]; ok {
			owned[gid] = append(owned[gid], s)
		} else {
			free = append(free, s)
		}
	}
	ranked := append([]int(nil), gids...)
	sort.SliceStable(ranked, func(i, j int) bool { return len(owned[ranked[i]]) > len(owned[ranked[j]]) })
	target := map[int]int{}
	for i, gid := range ranked {
		target[gid] = NShards / len(gids)
		if i < NShards%len(gids) {
			target[gid]++
		}
	}
	for _, gid := range gids {
		if extra := len(owned[gid]) - target[gid]; extra > 0 {
			mine := owned[gid]
			free = append(free, mine[len(mine)-extra:]...)
			owned[gid] = mine[:len(mine)-extra]
		}
	}
	sort.Ints(free)
	for _, gid := range gids {
		for len(owned[gid]) < target[gid] {
			c.Shards[free[0]] = gid
			owned[gid] = append(owned[gid], free[0])
			free = free[1:]
		}
	}
}
