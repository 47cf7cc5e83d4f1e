package shardkv

import "distlab/shardkv/shardctrler"

// Err is the outcome of one RPC, as the server reports it.
type Err string

// RPC outcomes. OK and ErrNoKey are answers; ErrWrongGroup tells the Clerk
// to fetch the latest configuration; every other value tells it to try
// another server of the group.
const (
	OK             Err = "OK"
	ErrNoKey       Err = "ErrNoKey"       // Get of a key never written: the value is ""
	ErrWrongGroup  Err = "ErrWrongGroup"  // the group does not (yet, or any longer) serve the key's shard
	ErrWrongLeader Err = "ErrWrongLeader" // not the leader, or lost leadership before the operation committed
	ErrTimeout     Err = "ErrTimeout"     // the operation did not commit in time
	ErrShutdown    Err = "ErrShutdown"    // the server was killed while the operation waited
	ErrNotReady    Err = "ErrNotReady"    // migration: the shard is not (yet) handed off here
	ErrBadOp       Err = "ErrBadOp"       // PutAppendArgs.Op is neither "Put" nor "Append"
)

// PutAppendArgs is the request of ShardKV.PutAppend. ClientID and Seq
// identify it for exactly-once application across retries and migrations.
type PutAppendArgs struct {
	Key      string
	Value    string
	Op       string // "Put" or "Append"
	ClientID int64
	Seq      int64
}

// PutAppendReply is the reply of ShardKV.PutAppend.
type PutAppendReply struct {
	Err Err
}

// GetArgs is the request of ShardKV.Get.
type GetArgs struct {
	Key string
}

// GetReply is the reply of ShardKV.Get.
type GetReply struct {
	Err   Err
	Value string
}

// PullShardArgs asks the group that gave up Shard at config Tag for its
// data (server to server).
type PullShardArgs struct {
	Tag   int
	Shard int
}

// PullShardReply carries a handed-off shard: its data and its duplicate
// table (client id -> highest Put/Append sequence number applied).
type PullShardReply struct {
	Err   Err
	Data  map[string]string
	Dedup map[int64]int64
}

// DeleteShardArgs tells the group that gave up Shard at config Tag that the
// new owner has installed it, so the old copy can go.
type DeleteShardArgs struct {
	Tag   int
	Shard int
}

// DeleteShardReply is the reply of ShardKV.DeleteShard.
type DeleteShardReply struct {
	Err Err
}

// key2shard returns the shard of key: its first byte modulo NShards (0 for
// the empty key).
func key2shard(key string) int {
	shard := 0
	if len(key) > 0 {
		shard = int(key[0])
	}
	return shard % shardctrler.NShards
}
