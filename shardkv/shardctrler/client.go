package shardctrler

import (
	"fmt"
	"time"

	"distlab/labrpc"
	"distlab/rsm"
)

// retryPause is how long a Clerk waits after every server has failed it
// once before it tries them all again, so it never spins while the
// controller elects a leader.
const retryPause = 50 * time.Millisecond

// Clerk is a client of the configuration service. Its operations are
// linearizable and each Join, Leave and Move takes effect exactly once. A
// Clerk is safe for concurrent use but performs one operation at a time
// (an exactly-once session allows one outstanding request); use one Clerk
// per concurrent client.
type Clerk struct {
	s *rsm.Session
}

// MakeClerk returns a Clerk that talks to the controller through servers.
// Its client id comes from servers[0].Rand(), so a seed replays it. It
// panics if servers is empty.
func MakeClerk(servers []*labrpc.ClientEnd) *Clerk {
	if len(servers) == 0 {
		panic("shardctrler.MakeClerk: no servers")
	}
	return &Clerk{rsm.NewSession(servers, retryPause)}
}

// Query returns configuration num, or the latest one if num is -1 or
// larger than the latest config's number. It retries until a server
// answers (or the Clerk is closed: then it returns the zero Config).
func (ck *Clerk) Query(num int) Config {
	var cfg Config
	ck.s.Read(func(s *labrpc.ClientEnd) bool {
		var reply QueryReply
		ok := s.Call("ShardCtrler.Query", &QueryArgs{Num: num}, &reply) && reply.Err == OK
		if ok {
			cfg = reply.Config
			if cfg.Groups == nil {
				cfg.Groups = map[int][]string{} // gob drops an empty map
			}
		}
		return ok
	})
	return cfg
}

// Join adds the groups in servers (gid -> server names) and rebalances the
// shards. A gid must be positive.
func (ck *Clerk) Join(servers map[int][]string) {
	for gid := range servers {
		if gid <= 0 {
			panic(fmt.Sprintf("shardctrler.Clerk.Join: gid %d: group ids must be positive (0 means no group)", gid))
		}
	}
	ck.s.Write(func(clientID, seq int64, s *labrpc.ClientEnd) bool {
		var reply JoinReply
		return s.Call("ShardCtrler.Join", &JoinArgs{Servers: servers, ClientID: clientID, Seq: seq}, &reply) && reply.Err == OK
	})
}

// Leave removes the groups gids and rebalances their shards over the rest.
func (ck *Clerk) Leave(gids []int) {
	ck.s.Write(func(clientID, seq int64, s *labrpc.ClientEnd) bool {
		var reply LeaveReply
		return s.Call("ShardCtrler.Leave", &LeaveArgs{GIDs: gids, ClientID: clientID, Seq: seq}, &reply) && reply.Err == OK
	})
}

// Move gives shard to group gid (no rebalancing). A Move to a gid that is
// not a group in the latest config changes nothing.
func (ck *Clerk) Move(shard int, gid int) {
	if shard < 0 || shard >= NShards {
		panic(fmt.Sprintf("shardctrler.Clerk.Move: shard %d is not in [0, %d)", shard, NShards))
	}
	ck.s.Write(func(clientID, seq int64, s *labrpc.ClientEnd) bool {
		var reply MoveReply
		return s.Call("ShardCtrler.Move", &MoveArgs{Shard: shard, GID: gid, ClientID: clientID, Seq: seq}, &reply) && reply.Err == OK
	})
}

// Close makes the Clerk give up: the operation in progress returns as soon
// as its current RPC does, and later operations return at once, without
// effect (a Query returns the zero Config). Servers that poll the controller
// close their Clerk on Kill.
func (ck *Clerk) Close() { ck.s.Close() }

// Closed reports whether Close has been called.
func (ck *Clerk) Closed() bool { return ck.s.Closed() }
