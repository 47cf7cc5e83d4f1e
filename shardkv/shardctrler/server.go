package shardctrler

import (
	"errors"
	"fmt"

	"distlab/labrpc"
	"distlab/raft"
	"distlab/rsm"
)

// ShardCtrler is one replica of the configuration service: a Raft peer, an
// rsm replica over it and the list of configurations it replicates. Its RPC
// handlers (Join, Leave, Move, Query) are called by labrpc concurrently;
// Kill may be called at any time, from any goroutine.
type ShardCtrler struct {
	me  int
	rf  *raft.Raft
	rsm *rsm.RSM
}

// StartServer starts replica me of the controller group whose Raft peers
// are reached through servers (servers[me] is this server's own end).
// persister holds what survives a crash. The controller's state is small, so
// it never snapshots. Register the result with labrpc (labrpc.MakeService)
// to serve Join, Leave, Move and Query, and its Raft() peer's service too.
//
// StartServer panics with a message naming the bad argument if me is not an
// index of servers or persister is nil.
func StartServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister) *ShardCtrler {
	return StartServerObserved(servers, me, persister, nil)
}

// StartServerObserved is StartServer with observe (if not nil) seeing each
// command the replica applies and each snapshot it installs, as
// rsm.Config.Observe describes: tests check the controller's log agreement
// with it (rsm.CheckWith).
func StartServerObserved(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, observe func(rsm.ApplyMsg)) *ShardCtrler {
	if me < 0 || me >= len(servers) {
		panic(fmt.Sprintf("shardctrler.StartServer: me = %d is not an index of servers (len %d)", me, len(servers)))
	}
	if persister == nil {
		panic("shardctrler.StartServer: persister is nil")
	}
	applyCh := make(chan raft.ApplyMsg)
	sc := &ShardCtrler{me: me}
	sc.rf = raft.Make(servers, me, persister, applyCh)
	r, err := rsm.Make(rsm.Config{
		Me:           me,
		Log:          sc.rf,
		Persister:    persister,
		MaxRaftState: -1,
		Machine:      newMachine(),
		Rand:         servers[me].Rand(),
		Observe:      observe,
	}, applyCh, rsm.FromRaft)
	if err != nil {
		sc.rf.Kill()
		panic(fmt.Sprintf("shardctrler.StartServer: server %d: %v", me, err))
	}
	sc.rsm = r
	return sc
}

// Raft returns the server's Raft peer (harnesses register its RPC service
// and inspect its state).
func (sc *ShardCtrler) Raft() *raft.Raft { return sc.rf }

// Kill stops the server: its Raft peer and rsm replica, and every goroutine
// they started, before it returns. Handlers still waiting return
// ErrShutdown.
func (sc *ShardCtrler) Kill() { sc.rsm.Kill() }

// Join is the RPC handler for Clerk.Join.
func (sc *ShardCtrler) Join(args *JoinArgs, reply *JoinReply) {
	reply.Err = sc.submit(args.ClientID, args.Seq, joinCmd{Servers: args.Servers}, nil)
	reply.WrongLeader = reply.Err == ErrWrongLeader
}

// Leave is the RPC handler for Clerk.Leave.
func (sc *ShardCtrler) Leave(args *LeaveArgs, reply *LeaveReply) {
	reply.Err = sc.submit(args.ClientID, args.Seq, leaveCmd{GIDs: args.GIDs}, nil)
	reply.WrongLeader = reply.Err == ErrWrongLeader
}

// Move is the RPC handler for Clerk.Move.
func (sc *ShardCtrler) Move(args *MoveArgs, reply *MoveReply) {
	reply.Err = sc.submit(args.ClientID, args.Seq, moveCmd{Shard: args.Shard, GID: args.GID}, nil)
	reply.WrongLeader = reply.Err == ErrWrongLeader
}

// Query is the RPC handler for Clerk.Query. It goes through the log like a
// write, so it never returns a stale configuration.
func (sc *ShardCtrler) Query(args *QueryArgs, reply *QueryReply) {
	reply.Err = sc.submit(0, 0, queryCmd{Num: args.Num}, func(res any) {
		if c, ok := res.(Config); ok {
			reply.Config = c
		}
	})
	reply.WrongLeader = reply.Err == ErrWrongLeader
}

// submit runs one command through the log and hands its result to take.
func (sc *ShardCtrler) submit(clientID, seq int64, cmd any, take func(any)) Err {
	res, err := sc.rsm.Submit(rsm.Request{ClientID: clientID, Seq: seq, Command: cmd})
	switch {
	case err == nil:
		if take != nil {
			take(res)
		}
		return OK
	case errors.Is(err, rsm.ErrTimeout):
		return ErrTimeout
	case errors.Is(err, rsm.ErrKilled):
		return ErrShutdown
	default:
		return ErrWrongLeader
	}
}
