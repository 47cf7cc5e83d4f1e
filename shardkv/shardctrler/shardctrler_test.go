package shardctrler

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"distlab/labtest"

	"github.com/stretchr/testify/require"
)

func names(gid int) []string {
	return []string{fmt.Sprintf("g%d-a", gid), fmt.Sprintf("g%d-b", gid), fmt.Sprintf("g%d-c", gid)}
}

// requireHistory checks configs 0..latest as a sequence: each balanced,
// numbered in order, and every past config still readable unchanged.
func requireHistory(t *testing.T, ck *recClerk, seen map[int]Config) Config {
	t.Helper()
	latest := ck.Query(-1)
	for n := 0; n <= latest.Num; n++ {
		c := ck.Query(n)
		require.Equal(t, n, c.Num, "Query(%d) returned config %d", n, c.Num)
		if old, ok := seen[n]; ok {
			require.Equal(t, old, c, "config %d changed after it was made", n)
		}
		seen[n] = c
	}
	require.Equal(t, latest, ck.Query(latest.Num+10), "a Query past the latest config returns the latest")
	return latest
}

func TestJoinLeaveMoveMakeOneBalancedConfigEach(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := newCluster(t, 3, false)
		ck := c.clerk()
		seen := map[int]Config{}
		c0 := ck.Query(-1)
		require.Equal(t, 0, c0.Num)
		require.Empty(t, c0.Groups, "config 0 has no groups")
		require.Equal(t, [NShards]int{}, c0.Shards, "config 0 puts every shard on gid 0")

		ck.Join(map[int][]string{1: names(1)})
		c1 := ck.Query(-1)
		require.Equal(t, 1, c1.Num)
		require.Equal(t, names(1), c1.Groups[1])
		requireBalanced(t, c1)

		ck.Join(map[int][]string{2: names(2)})
		requireBalanced(t, ck.Query(-1))
		ck.Join(map[int][]string{3: names(3)})
		requireBalanced(t, ck.Query(-1))
		ck.Leave([]int{1})
		c4 := ck.Query(-1)
		requireBalanced(t, c4)
		require.NotContains(t, c4.Groups, 1)

		// Move pins a shard without rebalancing; the next Join or Leave
		// rebalances again.
		for s := range NShards {
			gid := []int{2, 3}[s%2]
			ck.Move(s, gid)
			require.Equal(t, gid, ck.Query(-1).Shards[s], "Move(%d, %d)", s, gid)
		}
		before := ck.Query(-1)
		ck.Move(0, 99) // not a group: changes nothing
		require.Equal(t, before, ck.Query(-1), "a Move to a gid that is no group must make no config")
		ck.Leave([]int{2, 3})
		last := requireHistory(t, ck, seen)
		require.Empty(t, last.Groups)
		require.Equal(t, [NShards]int{}, last.Shards, "with no groups every shard is on gid 0")
		c.checkLinearizable()
	})
}

func TestJoinAndLeaveMoveTheFewestShards(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := newCluster(t, 3, false)
		ck := c.clerk()
		gids := []int{}
		for gid := 1; gid <= 12; gid++ { // past NShards: some groups hold nothing
			prev := ck.Query(-1)
			ck.Join(map[int][]string{gid: names(gid)})
			next := ck.Query(-1)
			requireBalanced(t, next)
			require.Equal(t, minMoves(prev, next), moves(prev, next), "Join(%d): from %v to %v", gid, prev.Shards, next.Shards)
			gids = append(gids, gid)
		}
		for _, gid := range gids[:len(gids)-1] {
			prev := ck.Query(-1)
			ck.Leave([]int{gid})
			next := ck.Query(-1)
			requireBalanced(t, next)
			require.Equal(t, minMoves(prev, next), moves(prev, next), "Leave(%d): from %v to %v", gid, prev.Shards, next.Shards)
		}
		c.checkLinearizable()
	})
}

func TestGroupsJoinedAtOnceAreBalanced(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := newCluster(t, 3, false)
		ck := c.clerk()
		ck.Join(map[int][]string{1: names(1), 2: names(2), 3: names(3)})
		c1 := ck.Query(-1)
		require.Equal(t, 1, c1.Num, "one Join of three groups makes one config")
		require.Len(t, c1.Groups, 3)
		requireBalanced(t, c1)
		ck.Join(map[int][]string{4: names(4), 5: names(5)})
		prev, next := c1, ck.Query(-1)
		requireBalanced(t, next)
		require.Equal(t, minMoves(prev, next), moves(prev, next))
		ck.Leave([]int{1, 3, 5})
		prev, next = next, ck.Query(-1)
		require.Equal(t, 3, next.Num)
		requireBalanced(t, next)
		require.Equal(t, minMoves(prev, next), moves(prev, next))
		c.checkLinearizable()
	})
}

// concurrentAdmins runs clients that each join and leave groups of their
// own while faults happen, then checks that every operation made exactly
// one config, that each config is balanced, and the history.
func concurrentAdmins(t *testing.T, unreliable, faults bool) {
	c := newCluster(t, 5, unreliable)
	const clients, rounds = 6, 5
	var wg sync.WaitGroup
	if faults {
		nem := c.StartNemesis(labtest.NemesisConfig{})
		defer nem.Stop()
	}
	for i := range clients {
		ck := c.clerk()
		rng := ck.cl.Rand()
		// In virtual time an operation can return at the very instant
		// the next one is called, which porcupine must treat as
		// concurrent; a pause between them keeps the check small.
		think := func() { time.Sleep(time.Duration(1+rng.IntN(20)) * time.Millisecond) }
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				gid := 100*(i+1) + r
				ck.Join(map[int][]string{gid: names(gid)})
				think()
				ck.Query(-1)
				think()
				if r%2 == 1 {
					ck.Leave([]int{gid})
					think()
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the clients' operations did not all finish within 2 minutes")
	}
	ck := c.clerk()
	last := requireHistory(t, ck, map[int]Config{})
	// Each client did 5 Joins and 2 Leaves, each exactly once.
	require.Equal(t, clients*(rounds+rounds/2), last.Num, "every Join and Leave makes exactly one config")
	require.Len(t, last.Groups, clients*(rounds-rounds/2))
	for n := 1; n <= last.Num; n++ {
		prev, next := ck.Query(n-1), ck.Query(n)
		requireBalanced(t, next)
		require.Equal(t, minMoves(prev, next), moves(prev, next), "config %d -> %d", n-1, n)
	}
	c.checkLinearizable()
}

func TestConcurrentJoinsAndLeavesEachTakeEffectOnce(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { concurrentAdmins(t, false, false) })
}

func TestConcurrentAdminsOnUnreliableNetworkWithFaults(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { concurrentAdmins(t, true, true) })
}

func TestConfigSurvivesLeaderCrashAndFullRestart(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := newCluster(t, 3, false)
		ck := c.clerk()
		ck.Join(map[int][]string{1: names(1), 2: names(2)})
		ck.Move(3, 1)
		want := ck.Query(-1)
		for i := range c.N() {
			if sc, ok := c.Server(i); ok {
				if _, lead := sc.Raft().GetState(); lead {
					c.Crash(i)
				}
			}
		}
		require.Equal(t, want, ck.Query(-1), "the config the old leader reported survives its crash")
		for i := range c.N() {
			c.Crash(i)
		}
		for i := range c.N() {
			c.Restart(i)
		}
		require.Equal(t, want, ck.Query(-1), "the config survives a restart of every server")
		c.checkLinearizable()
	})
}
