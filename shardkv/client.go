package shardkv

import (
	"math/rand/v2"
	"sync"
	"time"

	"distlab/labrpc"
	"distlab/rsm"
	"distlab/shardkv/shardctrler"
)

// Clerk is a client of the sharded key/value service. It finds a key's
// group from the controller's latest configuration and asks the group's
// servers, fetching a new configuration when a group answers ErrWrongGroup.
// Its operations are linearizable and each Put or Append takes effect
// exactly once, even when the key's shard moves between groups meanwhile.
// A Clerk is safe for concurrent use but performs one operation at a time;
// use one Clerk per concurrent client.
type Clerk struct {
	ctrler   *shardctrler.Clerk
	makeEnd  func(string) *labrpc.ClientEnd
	clientID int64
	turn     chan struct{} // one-slot semaphore: holds the token while an operation runs
	closed   chan struct{} // closed by Close
	close    sync.Once
	// Guarded by turn:
	config shardctrler.Config
	seq    int64
	ends   map[string]*labrpc.ClientEnd
	leader map[int]int // gid -> index of the server that answered last
	rand   *rand.Rand  // the seeded source of the retry pauses' jitter
}

// MakeClerk returns a Clerk that reads configurations through ctrlers and
// reaches group servers through ends made by make_end from their names. Its
// client id comes from ctrlers[0].Rand(), so a seed replays it. It panics
// if ctrlers is empty or make_end is nil.
func MakeClerk(ctrlers []*labrpc.ClientEnd, make_end func(string) *labrpc.ClientEnd) *Clerk {
	if len(ctrlers) == 0 {
		panic("shardkv.MakeClerk: no ends to the shard controller (ctrlers is empty)")
	}
	if make_end == nil {
		panic("shardkv.MakeClerk: make_end is nil")
	}
	r := ctrlers[0].Rand()
	var id int64
	for id == 0 {
		id = r.Int64()
	}
	return &Clerk{ctrler: shardctrler.MakeClerk(ctrlers), makeEnd: make_end, clientID: id,
		turn: make(chan struct{}, 1), closed: make(chan struct{}),
		ends: map[string]*labrpc.ClientEnd{}, leader: map[int]int{}, rand: r}
}

// Get returns the current value of key, or "" if it has none. It retries
// until the group that owns the key's shard answers.
func (ck *Clerk) Get(key string) string {
	var value string
	ck.do(false, func(end *labrpc.ClientEnd, _ int64) Err {
		var reply GetReply
		if !end.Call("ShardKV.Get", &GetArgs{Key: key}, &reply) {
			return ErrWrongLeader
		}
		value = reply.Value
		return reply.Err
	}, key)
	return value
}

// Put sets key to value.
func (ck *Clerk) Put(key, value string) { ck.putAppend(key, value, "Put") }

// Append appends value to key's value.
func (ck *Clerk) Append(key, value string) { ck.putAppend(key, value, "Append") }

func (ck *Clerk) putAppend(key, value, op string) {
	ck.do(true, func(end *labrpc.ClientEnd, seq int64) Err {
		var reply PutAppendReply
		args := PutAppendArgs{Key: key, Value: value, Op: op, ClientID: ck.clientID, Seq: seq}
		if !end.Call("ShardKV.PutAppend", &args, &reply) {
			return ErrWrongLeader
		}
		return reply.Err
	}, key)
}

// Close makes the Clerk give up: the operation in progress returns as soon
// as its current RPC does (a Get returning ""), and later ones return at
// once, without effect. Whether an abandoned Put or Append took effect is
// unknown. For tests and tools whose servers may never answer.
func (ck *Clerk) Close() {
	ck.close.Do(func() {
		close(ck.closed)
		ck.ctrler.Close()
	})
}

// Closed reports whether Close has been called.
func (ck *Clerk) Closed() bool {
	select {
	case <-ck.closed:
		return true
	default:
		return false
	}
}

// do sends one operation on key with try until the owning group answers
// OK or ErrNoKey. A write gets the next sequence number, kept across all
// its retries.
func (ck *Clerk) do(write bool, try func(end *labrpc.ClientEnd, seq int64) Err, key string) {
	ck.turn <- struct{}{}
	defer func() { <-ck.turn }()
	if write {
		ck.seq++
	}
	shard := key2shard(key)
	if ck.config.Num == 0 {
		ck.config = ck.ctrler.Query(-1)
	}
	for !ck.Closed() {
		gid := ck.config.Shards[shard]
		if servers, ok := ck.config.Groups[gid]; ok && len(servers) > 0 {
			start := ck.leader[gid]
			for i := range servers {
				si := (start + i) % len(servers)
				err := try(ck.end(servers[si]), ck.seq)
				if err == OK || err == ErrNoKey {
					ck.leader[gid] = si
					return
				}
				if err == ErrWrongGroup || ck.Closed() {
					break
				}
			}
		}
		select {
		case <-time.After(rsm.Jitter(ck.rand, pollInterval)):
		case <-ck.closed:
			return
		}
		ck.config = ck.ctrler.Query(-1)
	}
}

func (ck *Clerk) end(name string) *labrpc.ClientEnd {
	e, ok := ck.ends[name]
	if !ok {
		e = ck.makeEnd(name)
		ck.ends[name] = e
	}
	return e
}
