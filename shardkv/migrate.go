package shardkv

import (
	"maps"
	"slices"
	"sync"
	"time"

	"distlab/shardkv/shardctrler"
)

// pollInterval is how often a group's leader asks the controller for the
// next configuration, and how often it retries pulling and notifying.
const pollInterval = 100 * time.Millisecond

// every runs f every period (about pollInterval), and whenever kick fires,
// while this server leads its group, until Kill.
func (kv *ShardKV) every(f func(term int), kick <-chan struct{}, period time.Duration) {
	defer kv.wg.Done()
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-kv.done:
			return
		case <-tick.C:
		case <-kick:
		}
		if term, lead := kv.rf.GetState(); lead {
			f(term)
		}
	}
}

// pollOnce moves the group through the configurations one at a time: when
// no migration is in flight it asks for config cur+1 and, if there is one,
// proposes it to the group's log.
func (kv *ShardKV) pollOnce(term int) {
	if term != kv.termStarted {
		// See termStartCmd.
		if _, err := kv.rsm.Submit(rsmRequest(termStartCmd{Term: term})); err == nil {
			kv.termStarted = term
		}
	}
	v := kv.m.view()
	if !v.stable {
		return
	}
	next, ok := kv.config(v.cur.Num + 1)
	if !ok || next.Num != v.cur.Num+1 {
		return
	}
	cmd := configCmd{Config: next}
	for s := range shardctrler.NShards {
		if next.Shards[s] == kv.gid && v.cur.Shards[s] != kv.gid {
			from, ok := kv.sourceOf(s, v.cur)
			if !ok {
				return // the controller did not answer; try again later
			}
			cmd.From[s] = from
		}
	}
	kv.submit(cmd)
}

// sourceOf finds where shard s, which the group gains on leaving cur, comes
// from: cur's owner, which gives it up at cur.Num+1; or, if cur has no
// owner for it (every group had left), the last group that had it, which
// parked it when its config moved it to gid 0. GID 0 means the shard never
// had an owner: it starts empty.
func (kv *ShardKV) sourceOf(s int, cur shardctrler.Config) (source, bool) {
	if gid := cur.Shards[s]; gid != 0 {
		return source{GID: gid, Servers: cur.Groups[gid], Tag: cur.Num + 1}, true
	}
	for n := cur.Num - 1; n > 0; n-- {
		c, ok := kv.config(n)
		if !ok {
			return source{}, false
		}
		if gid := c.Shards[s]; gid != 0 {
			return source{GID: gid, Servers: c.Groups[gid], Tag: n + 1}, true
		}
	}
	return source{}, true
}

// config returns config num from the cache or the controller; false if the
// controller did not answer before Kill.
func (kv *ShardKV) config(num int) (shardctrler.Config, bool) {
	if c, ok := kv.configs[num]; ok {
		return c, true
	}
	c := kv.ctrler.Query(num)
	if kv.ctrler.Closed() {
		return c, false
	}
	if c.Num == num {
		kv.configs[num] = c
	}
	return c, true
}

// migrateOnce pulls the shards the group is waiting for, and tells the old
// owners of the shards it has installed to delete their copies. Shards are
// handled in parallel, each from its own source.
func (kv *ShardKV) migrateOnce(int) {
	v := kv.m.view()
	var wg sync.WaitGroup
	// In shard order, not the maps' random order, so that a seed replays.
	for _, s := range slices.Sorted(maps.Keys(v.pulling)) {
		from := v.pulling[s]
		wg.Add(1)
		go func() {
			defer wg.Done()
			kv.pull(s, from)
		}()
	}
	for _, s := range slices.Sorted(maps.Keys(v.notifying)) {
		from := v.notifying[s]
		wg.Add(1)
		go func() {
			defer wg.Done()
			kv.notify(s, from)
		}()
	}
	wg.Wait()
}

// pull fetches shard s from the servers of its source and installs it
// through the log.
func (kv *ShardKV) pull(s int, from source) {
	for _, name := range from.Servers {
		var reply PullShardReply
		if kv.killed() {
			return
		}
		if kv.end(name).Call("ShardKV.PullShard", &PullShardArgs{Tag: from.Tag, Shard: s}, &reply) && reply.Err == OK {
			kv.submit(insertCmd{Tag: from.Tag, Shard: s, Data: reply.Data, Dedup: reply.Dedup})
			return
		}
	}
}

// notify asks the source of shard s to delete its copy and records, through
// the log, that it has.
func (kv *ShardKV) notify(s int, from source) {
	for _, name := range from.Servers {
		var reply DeleteShardReply
		if kv.killed() {
			return
		}
		if kv.end(name).Call("ShardKV.DeleteShard", &DeleteShardArgs{Tag: from.Tag, Shard: s}, &reply) && reply.Err == OK {
			kv.submit(notifiedCmd{Tag: from.Tag, Shard: s})
			return
		}
	}
}

// submit proposes a migration command; if it fails (lost leadership, a
// timeout), the loops propose it again on a later tick, and Apply ignores
// whichever copy comes second.
func (kv *ShardKV) submit(cmd any) {
	_, _ = kv.rsm.Submit(rsmRequest(cmd))
}

func (kv *ShardKV) killed() bool {
	select {
	case <-kv.done:
		return true
	default:
		return false
	}
}
