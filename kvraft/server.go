package kvraft

import (
	"errors"
	"fmt"

	"distlab/labrpc"
	"distlab/paxos"
	"distlab/raft"
	"distlab/rsm"
	"distlab/rsm/paxoslog"
)

// KVServer is one replica of the key/value service: a consensus peer (Raft,
// or Paxos through rsm/paxoslog), an rsm replica over it and the store it
// replicates. Its RPC handlers (Get, PutAppend) are called by labrpc
// concurrently; Kill may be called at any time, from any goroutine.
type KVServer struct {
	me  int
	rf  *raft.Raft   // the Raft peer; nil on Paxos
	px  *paxos.Paxos // the Paxos peer; nil on Raft
	rsm *rsm.RSM
}

// StartKVServer starts replica me of a group whose Raft peers are reached
// through servers (servers[me] is this server's own end). persister holds
// what survives a crash: Raft's state and the latest snapshot, which the
// server restores. The server snapshots when Raft's saved state reaches
// maxraftstate bytes; -1 means never. Register the result with labrpc
// (labrpc.MakeService) to serve Get and PutAppend, and the Raft peer's
// service too.
//
// StartKVServer panics with a message naming the bad argument if me is not
// an index of servers, persister is nil or maxraftstate is below -1.
func StartKVServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int) *KVServer {
	checkArgs("StartKVServer", servers, me, persister, maxraftstate)
	applyCh := make(chan raft.ApplyMsg)
	kv := &KVServer{me: me}
	kv.rf = raft.Make(servers, me, persister, applyCh)
	r, err := rsm.Make(kv.config(servers, kv.rf, persister, maxraftstate), applyCh, rsm.FromRaft)
	if err != nil {
		kv.rf.Kill()
		panic(fmt.Sprintf("kvraft.StartKVServer: server %d: %v", me, err))
	}
	kv.rsm = r
	return kv
}

// StartKVServerOnPaxos is StartKVServer with a Paxos peer instead of a Raft
// peer: log slots are Paxos instances (see rsm/paxoslog). Register the
// server with labrpc, and its Paxos peer (Paxos) too. Every server accepts
// requests: there is no leader to find.
func StartKVServerOnPaxos(servers []*labrpc.ClientEnd, me int, persister *paxos.Persister, maxraftstate int) *KVServer {
	checkArgs("StartKVServerOnPaxos", servers, me, persister, maxraftstate)
	log := paxoslog.Make(servers, me, persister)
	kv := &KVServer{me: me, px: log.Paxos()}
	r, err := rsm.Make(kv.config(servers, log, persister, maxraftstate), log.ApplyCh(),
		func(m rsm.ApplyMsg) rsm.ApplyMsg { return m })
	if err != nil {
		log.Kill()
		panic(fmt.Sprintf("kvraft.StartKVServerOnPaxos: server %d: %v", me, err))
	}
	kv.rsm = r
	return kv
}

func checkArgs(fn string, servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int) {
	if me < 0 || me >= len(servers) {
		panic(fmt.Sprintf("kvraft.%s: me = %d is not an index of servers (len %d)", fn, me, len(servers)))
	}
	if persister == nil {
		panic("kvraft." + fn + ": persister is nil")
	}
	if maxraftstate < -1 {
		panic(fmt.Sprintf("kvraft.%s: maxraftstate = %d; want -1 (never snapshot) or a size in bytes", fn, maxraftstate))
	}
}

func (kv *KVServer) config(servers []*labrpc.ClientEnd, log rsm.Consensus, persister *raft.Persister, maxraftstate int) rsm.Config {
	return rsm.Config{
		Me:           kv.me,
		Log:          log,
		Persister:    persister,
		MaxRaftState: maxraftstate,
		Machine:      newStore(),
		Rand:         servers[kv.me].Rand(),
	}
}

// Get is the RPC handler for Clerk.Get. The read goes through the Raft
// log like a write, so it never returns stale data.
func (kv *KVServer) Get(args *GetArgs, reply *GetReply) {
	res, err := kv.rsm.Submit(rsm.Request{Command: command{Kind: kindGet, Key: args.Key}})
	if err != nil {
		reply.Err = errFor(err)
		return
	}
	g, ok := res.(getResult)
	if !ok {
		reply.Err = ErrWrongLeader // cannot happen: Gets are never deduplicated
		return
	}
	reply.Value = g.Value
	reply.Err = OK
	if !g.Found {
		reply.Err = ErrNoKey
	}
}

// PutAppend is the RPC handler for Clerk.Put and Clerk.Append.
func (kv *KVServer) PutAppend(args *PutAppendArgs, reply *PutAppendReply) {
	var kind opKind
	switch args.Op {
	case OpPut:
		kind = kindPut
	case OpAppend:
		kind = kindAppend
	default:
		reply.Err = ErrBadOp
		return
	}
	_, err := kv.rsm.Submit(rsm.Request{ClientID: args.ClientID, Seq: args.Seq,
		Command: command{Kind: kind, Key: args.Key, Value: args.Value}})
	reply.Err = OK
	if err != nil {
		reply.Err = errFor(err)
	}
}

func errFor(err error) Err {
	switch {
	case errors.Is(err, rsm.ErrTimeout):
		return ErrTimeout
	case errors.Is(err, rsm.ErrKilled):
		return ErrShutdown
	default:
		return ErrWrongLeader
	}
}

// Kill stops the server: its Raft peer and rsm replica, and every goroutine
// they started, before it returns. Handlers still waiting return
// ErrShutdown.
func (kv *KVServer) Kill() {
	kv.rsm.Kill()
}

// Raft returns the server's Raft peer (tests use it to inspect the log);
// nil for a server on Paxos.
func (kv *KVServer) Raft() *raft.Raft { return kv.rf }

// Paxos returns the server's Paxos peer; nil for a server on Raft.
func (kv *KVServer) Paxos() *paxos.Paxos { return kv.px }

// Consensus returns the server's consensus peer, a *raft.Raft or a
// *paxos.Paxos, for registering its RPC handlers with labrpc.
func (kv *KVServer) Consensus() any {
	if kv.px != nil {
		return kv.px
	}
	return kv.rf
}
