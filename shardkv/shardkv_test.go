package shardkv

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/shardkv/shardctrler"

	"github.com/stretchr/testify/require"
)

// putKeys writes n keys ("0".."n-1", one per shard for n <= 10) and returns
// them with their values.
func putKeys(d *world, ck *recClerk, n int) ([]string, []string) {
	keys, vals := make([]string, n), make([]string, n)
	for i := range n {
		keys[i] = strconv.Itoa(i)
		vals[i] = fmt.Sprintf("v%d-%d", i, d.rng.IntN(1000000))
		ck.Put(keys[i], vals[i])
	}
	return keys, vals
}

func TestStaticShardsAreServedOnlyByTheirOwnGroup(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, -1)
		ck := d.clerk()
		d.join(0)
		d.join(1)
		keys, vals := putKeys(d, ck, 10)
		for i := range keys {
			ck.check(keys[i], vals[i])
		}
		// With group 101 down, exactly the keys of its 5 shards block.
		d.shutdownGroup(1)
		results := make(chan int, len(keys))
		var pending []*recClerk
		for i := range keys {
			c := d.clerk()
			pending = append(pending, c)
			go func() {
				if v := c.Get(keys[i]); !c.ck.Closed() {
					if v != vals[i] {
						t.Errorf("Get(%q) = %q, want %q", keys[i], v, vals[i])
					}
					results <- i
				}
			}()
		}
		served := 0
		deadline := time.After(2 * time.Second)
	wait:
		for {
			select {
			case <-results:
				served++
			case <-deadline:
				break wait
			}
		}
		require.Equal(t, 5, served, "with one of two groups down, the 5 keys of the live group's shards are served and only those")
		d.startGroup(1)
		for range len(keys) - served {
			select {
			case <-results:
			case <-time.After(10 * time.Second):
				t.Fatal("the keys of the restarted group were not served within 10 s")
			}
		}
		for i := range keys {
			ck.check(keys[i], vals[i])
		}
		d.finish()
	})
}

func TestGroupRejectsKeysOfShardsItDoesNotOwn(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 2, 3, false, -1)
		d.join(0)
		d.join(1)
		ck := d.clerk()
		keys, vals := putKeys(d, ck, 10)
		cfg := d.admin.Query(-1)
		cl := d.ctrl.MakeClient()
		for i, k := range keys {
			owner := cfg.Shards[key2shard(k)]
			for gi, gid := range d.gids {
				if gid == owner {
					continue
				}
				for _, name := range d.names(gi) {
					var reply GetReply
					if cl.MakeEnd(name).Call("ShardKV.Get", &GetArgs{Key: k}, &reply) && reply.Err != ErrWrongLeader {
						require.Equal(t, ErrWrongGroup, reply.Err, "group %d answered Get(%q) for a shard of group %d", gid, k, owner)
					}
					var preply PutAppendReply
					if cl.MakeEnd(name).Call("ShardKV.PutAppend", &PutAppendArgs{Key: k, Value: "bad", Op: "Put", ClientID: 7, Seq: 1}, &preply) && preply.Err != ErrWrongLeader {
						require.Equal(t, ErrWrongGroup, preply.Err, "group %d accepted Put(%q) for a shard of group %d", gid, k, owner)
					}
				}
			}
			ck.check(k, vals[i])
		}
		d.finish()
	})
}

func TestJoinAndLeaveKeepEveryValue(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, -1)
		ck := d.clerk()
		d.join(0)
		keys, vals := putKeys(d, ck, 10)
		d.join(1)
		for i := range keys {
			ck.check(keys[i], vals[i])
			ck.Append(keys[i], "+1")
			vals[i] += "+1"
		}
		d.leave(0)
		for i := range keys {
			ck.check(keys[i], vals[i])
			ck.Append(keys[i], "+2")
			vals[i] += "+2"
		}
		time.Sleep(time.Second) // let the shards leave group 100 for good
		d.shutdownGroup(0)      // it owns nothing now: nothing may need it
		for i := range keys {
			ck.check(keys[i], vals[i])
		}
		d.finish()
	})
}

func TestSnapshotsCarryShardsAcrossFullRestarts(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 1000)
		ck := d.clerk()
		d.join(0)
		keys, vals := putKeys(d, ck, 10)
		d.join(1)
		d.join(2)
		d.leave(0)
		for round := range 3 {
			for i := range keys {
				ck.check(keys[i], vals[i])
				v := fmt.Sprintf("+%d", round)
				ck.Append(keys[i], v)
				vals[i] += v
			}
			d.leave(1)
			d.join(0)
			d.join(1)
		}
		d.checkLogs()
		for gi := range d.groups {
			d.shutdownGroup(gi)
		}
		for gi := range d.groups {
			d.startGroup(gi)
		}
		for i := range keys {
			ck.check(keys[i], vals[i])
		}
		d.finish()
	})
}

func TestGroupThatMissedConfigChangesCatchesUp(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 1000)
		ck := d.clerk()
		d.join(0)
		keys, vals := putKeys(d, ck, 10)
		d.join(1)
		// One server of each group sleeps through several changes.
		for gi := range d.groups {
			d.groups[gi].Crash(0)
		}
		d.join(2)
		d.leave(1)
		d.leave(0)
		for i := range keys {
			ck.check(keys[i], vals[i])
			ck.Append(keys[i], "+a")
			vals[i] += "+a"
		}
		d.join(1)
		for gi := range d.groups {
			d.groups[gi].Restart(0)
		}
		// Now the other two of each group sleep, and the laggards must
		// carry the groups through the next changes.
		for gi := range d.groups {
			d.groups[gi].Crash(1)
		}
		d.join(0)
		d.leave(2)
		for i := range keys {
			ck.check(keys[i], vals[i])
			ck.Append(keys[i], "+b")
			vals[i] += "+b"
		}
		for gi := range d.groups {
			d.groups[gi].Restart(1)
		}
		for i := range keys {
			ck.check(keys[i], vals[i])
		}
		d.finish()
	})
}

// reconfigure runs the classic admin script of the concurrent tests: joins
// and leaves with pauses, optionally crashing whole groups on the way.
func reconfigure(d *world, crashGroups bool) {
	d.join(1)
	time.Sleep(500 * time.Millisecond)
	d.join(2)
	time.Sleep(500 * time.Millisecond)
	d.leave(0)
	if crashGroups {
		d.shutdownGroup(0)
		time.Sleep(100 * time.Millisecond)
		d.shutdownGroup(1)
		d.shutdownGroup(2)
		time.Sleep(300 * time.Millisecond)
		d.startGroup(0)
		d.startGroup(1)
		d.startGroup(2)
	}
	time.Sleep(300 * time.Millisecond)
	d.join(0)
	d.leave(1)
	time.Sleep(500 * time.Millisecond)
	d.join(1)
	time.Sleep(time.Second)
}

func TestClientsDuringJoinsAndLeavesSeeEveryAppend(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 1000)
		d.join(0)
		a := startAppenders(d, 10, true)
		reconfigure(d, false)
		a.stop(10 * time.Second)
		d.finish()
	})
}

func TestClientsDuringReconfigurationWithGroupCrashes(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 1000)
		d.join(0)
		a := startAppenders(d, 10, true)
		reconfigure(d, true)
		a.stop(10 * time.Second)
		d.finish()
	})
}

func TestClientsDuringRandomReconfigurationWithServerRestarts(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 300)
		d.join(0)
		a := startAppenders(d, 10, true)
		for range 6 {
			gi := d.rng.IntN(len(d.groups))
			if d.rng.IntN(2) == 0 {
				d.join(gi)
			} else {
				d.leave(gi)
			}
			// Restart one server of a random group now and then.
			g := d.groups[d.rng.IntN(len(d.groups))]
			i := d.rng.IntN(g.N())
			g.Crash(i)
			time.Sleep(time.Duration(200+d.rng.IntN(600)) * time.Millisecond)
			g.Restart(i)
		}
		d.join(0, 1, 2)
		a.stop(20 * time.Second)
		d.finish()
	})
}

func TestUnreliableNetworkDuringReconfiguration(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, true, 100)
		d.join(0)
		a := startAppenders(d, 10, true)
		reconfigure(d, false)
		a.stop(20 * time.Second)
		d.finish()
	})
}

func TestUnreliableNetworkWithReorderingAndRandomReconfiguration(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, true, 1000)
		d.w.LongReordering(true)
		d.join(0)
		a := startAppenders(d, 10, true)
		for range 8 {
			gi := d.rng.IntN(len(d.groups))
			if d.rng.IntN(2) == 0 {
				d.join(gi)
			} else {
				d.leave(gi)
			}
			time.Sleep(time.Duration(200+d.rng.IntN(500)) * time.Millisecond)
		}
		d.join(0, 1, 2)
		d.w.LongReordering(false)
		a.stop(40 * time.Second)
		d.finish()
	})
}

// TestUnreliableSharedKeysAreLinearizable has clients share a few keys with
// Gets, Puts and Appends, so only the porcupine check can judge them.
func TestUnreliableSharedKeysAreLinearizable(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, true, 1000)
		d.join(0)
		done := make(chan struct{})
		finished := make(chan struct{})
		const clients = 5
		for i := range clients {
			ck := d.clerk()
			rng := ck.cl.Rand()
			go func() {
				defer func() { finished <- struct{}{} }()
				for j := 0; ; j++ {
					select {
					case <-done:
						return
					default:
					}
					key := strconv.Itoa(rng.IntN(4))
					switch rng.IntN(3) {
					case 0:
						ck.Get(key)
					case 1:
						ck.Put(key, fmt.Sprintf("[%d %d]", i, j))
					default:
						ck.Append(key, fmt.Sprintf("[%d %d]", i, j))
					}
					time.Sleep(time.Duration(rng.IntN(80)) * time.Millisecond)
				}
			}()
		}
		reconfigure(d, false)
		close(done)
		for range clients {
			select {
			case <-finished:
			case <-time.After(20 * time.Second):
				t.Fatal("clients did not finish within 20 s")
			}
		}
		d.finish()
	})
}

func TestHandedOffShardsAreDeletedSoStorageStaysBounded(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 1)
		ck := d.clerk()
		d.join(0)
		// 30 keys of 1000 bytes: 30,000 bytes of values.
		const n = 30
		keys, vals := make([]string, n), make([]string, n)
		for i := range n {
			keys[i] = strconv.Itoa(i)
			vals[i] = fmt.Sprintf("%01000d", i)
			ck.Put(keys[i], vals[i])
		}
		// Move every shard around, twice over.
		for range 2 {
			d.join(1)
			d.join(2)
			time.Sleep(2 * time.Second)
			for i := range n {
				ck.check(keys[i], vals[i])
			}
			d.leave(1)
			d.leave(2)
			time.Sleep(2 * time.Second)
			for i := range n {
				ck.check(keys[i], vals[i])
			}
			d.join(1)
			d.leave(0)
			time.Sleep(2 * time.Second)
			d.join(0)
			d.leave(1)
		}
		time.Sleep(3 * time.Second)
		for i := range n {
			ck.check(keys[i], vals[i])
		}
		time.Sleep(time.Second)
		// Each value stored once per replica (3 replicas), plus slop:
		// a copy kept by a group that still held it would double it.
		total := d.storedBytes()
		limit := 3 * (n*1000 + 2*3*1000 + 6000)
		t.Logf("persisted bytes over all group servers: %d (limit %d; values alone %d)", total, limit, 3*n*1000)
		require.LessOrEqual(t, total, limit, "snapshots + Raft state keep shards that were handed off")
		d.finish()
	})
}

func TestUnaffectedShardsAreServedWhileAnotherGroupIsDown(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 2, 3, false, 1)
		ck := d.clerk()
		d.join(0)
		keys, vals := putKeys(d, ck, 10)
		d.join(1)
		c := d.admin.Query(-1)
		owned := map[int]bool{}
		for s, gid := range c.Shards {
			owned[s] = gid == d.gids[1]
		}
		time.Sleep(time.Second) // group 101 gets its shards
		for i := range keys {
			if owned[key2shard(keys[i])] {
				vals[i] += "-u"
				ck.Put(keys[i], vals[i])
			}
		}
		// Group 100 dies and leaves: 101 can never get 100's shards,
		// but must keep serving its own.
		d.shutdownGroup(0)
		d.leave(0)
		time.Sleep(time.Second)
		for i := range keys {
			if owned[key2shard(keys[i])] {
				ck.check(keys[i], vals[i])
				ck.Put(keys[i], vals[i]+"-1")
				ck.check(keys[i], vals[i]+"-1")
			}
		}
		d.finish()
	})
}

func TestArrivedShardsAreServedBeforeTheRestArrive(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 100)
		ck := d.clerk()
		d.join(0, 1, 2)
		time.Sleep(time.Second)
		keys, vals := putKeys(d, ck, 10)
		c := d.admin.Query(-1)
		owned := map[int]bool{}
		for s, gid := range c.Shards {
			owned[s] = gid == d.gids[2]
		}
		// 100 dies; 100 and 102 leave. 101 can get 102's shards but
		// not 100's, and must serve 102's as soon as they arrive.
		d.shutdownGroup(0)
		d.leave(0, 2)
		time.Sleep(time.Second)
		start := d.w.Now()
		for i := range keys {
			if owned[key2shard(keys[i])] {
				ck.check(keys[i], vals[i])
				ck.Put(keys[i], vals[i]+"-2")
				ck.check(keys[i], vals[i]+"-2")
			}
		}
		require.Less(t, d.w.Now()-start, 2*time.Second, "102's former shards must be served without waiting for 100's")
		d.finish()
	})
}

// TestShardsSurviveAllGroupsLeaving checks a config with no group at all:
// the shards' data is parked, and comes back when groups rejoin.
func TestShardsSurviveAllGroupsLeaving(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 500)
		ck := d.clerk()
		d.join(0, 1)
		keys, vals := putKeys(d, ck, 10)
		d.leave(0)
		d.leave(1)
		require.Equal(t, [shardctrler.NShards]int{}, d.admin.Query(-1).Shards)
		time.Sleep(time.Second)
		d.join(2) // a group that never held them
		for i := range keys {
			ck.check(keys[i], vals[i])
			ck.Append(keys[i], "+z")
			vals[i] += "+z"
		}
		d.leave(2)
		time.Sleep(time.Second)
		d.join(2, 0) // back to 102, which parked them, and to 100
		for i := range keys {
			ck.check(keys[i], vals[i])
		}
		d.finish()
	})
}
