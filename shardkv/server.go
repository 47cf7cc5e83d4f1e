package shardkv

import (
	"errors"
	"fmt"
	"sync"

	"distlab/labrpc"
	"distlab/raft"
	"distlab/rsm"
	"distlab/shardkv/shardctrler"
)

// ShardKV is one replica of one replica group: a Raft peer, an rsm replica
// over it, the group's shards, and (while it leads) the loops that follow
// the controller's configurations and move shards. Its RPC handlers are
// called by labrpc concurrently; Kill may be called at any time, from any
// goroutine.
type ShardKV struct {
	me       int
	gid      int
	rf       *raft.Raft
	rsm      *rsm.RSM
	m        *machine
	ctrler   *shardctrler.Clerk
	makeEnd  func(string) *labrpc.ClientEnd
	done     chan struct{} // closed by Kill
	killOnce sync.Once
	kick     chan struct{} // one slot: wakes the migration loop early
	wg       sync.WaitGroup

	// configs caches configurations read from the controller (they never
	// change). Used by the poll loop only.
	configs map[int]shardctrler.Config
	// termStarted is the latest term in which this server, as leader,
	// committed a termStartCmd. Used by the poll loop only.
	termStarted int
	// ends caches ends to other groups' servers by name. Guarded by endsMu.
	endsMu sync.Mutex
	ends   map[string]*labrpc.ClientEnd
}

// Hooks observe a server, for test checkers and tools (distlab chaos
// shardkv); nil fields are ignored. They run on the server's apply
// goroutine with its state locked: they must not block or call the server.
type Hooks struct {
	// Observe sees each command the replica applies and each snapshot it
	// installs (see rsm.Config.Observe; rsm.CheckWith makes one).
	Observe func(rsm.ApplyMsg)
	// Serve is called for each client operation the replica applies, with
	// the config number it was served under and its shard: a checker can
	// tell that no shard is served by two groups under one config.
	Serve func(num, shard int)
}

// options are what the package's tests set beyond Hooks.
type options struct {
	Hooks
	onMove func(kind string, tag, shard int, payload any) // see machine.onMove
}

// StartServer starts replica me of group gid, whose Raft peers are reached
// through servers (servers[me] is this server's own end). persister holds
// what survives a crash; the server snapshots (its shards, duplicate tables
// and migrations in flight) when Raft's saved state reaches maxraftstate
// bytes, -1 meaning never. ctrlers are ends to the shard controller, and
// make_end makes an end to another group's server from its name (as the
// controller's configs list them). Register the result with labrpc
// (labrpc.MakeService), and its Raft peer's service too.
//
// StartServer panics with a message naming the bad argument if me is not
// an index of servers, persister or make_end is nil, ctrlers is empty, gid
// is not positive or maxraftstate is below -1.
func StartServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int, gid int, ctrlers []*labrpc.ClientEnd, make_end func(string) *labrpc.ClientEnd) *ShardKV {
	return startServer(servers, me, persister, maxraftstate, gid, ctrlers, make_end, options{})
}

// StartServerWithHooks is StartServer with hooks observing the server.
func StartServerWithHooks(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int, gid int, ctrlers []*labrpc.ClientEnd, make_end func(string) *labrpc.ClientEnd, hooks Hooks) *ShardKV {
	return startServer(servers, me, persister, maxraftstate, gid, ctrlers, make_end, options{Hooks: hooks})
}

func startServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int, gid int, ctrlers []*labrpc.ClientEnd, makeEnd func(string) *labrpc.ClientEnd, opt options) *ShardKV {
	switch {
	case me < 0 || me >= len(servers):
		panic(fmt.Sprintf("shardkv.StartServer: me = %d is not an index of servers (len %d)", me, len(servers)))
	case persister == nil:
		panic("shardkv.StartServer: persister is nil")
	case maxraftstate < -1:
		panic(fmt.Sprintf("shardkv.StartServer: maxraftstate = %d; want -1 (never snapshot) or a size in bytes", maxraftstate))
	case gid <= 0:
		panic(fmt.Sprintf("shardkv.StartServer: gid = %d; group ids are positive (0 means no group)", gid))
	case len(ctrlers) == 0:
		panic("shardkv.StartServer: no ends to the shard controller (ctrlers is empty)")
	case makeEnd == nil:
		panic("shardkv.StartServer: make_end is nil")
	}
	kv := &ShardKV{me: me, gid: gid, m: newMachine(gid), ctrler: shardctrler.MakeClerk(ctrlers),
		makeEnd: makeEnd, done: make(chan struct{}), configs: map[int]shardctrler.Config{},
		ends: map[string]*labrpc.ClientEnd{}}
	kv.m.onServe, kv.m.onMove = opt.Serve, opt.onMove
	kv.kick = make(chan struct{}, 1)
	kv.m.kick = func() {
		select {
		case kv.kick <- struct{}{}:
		default:
		}
	}
	applyCh := make(chan raft.ApplyMsg)
	kv.rf = raft.Make(servers, me, persister, applyCh)
	r, err := rsm.Make(rsm.Config{
		Me:           me,
		Log:          kv.rf,
		Persister:    persister,
		MaxRaftState: maxraftstate,
		Machine:      kv.m,
		Rand:         servers[me].Rand(),
		Observe:      opt.Observe,
	}, applyCh, rsm.FromRaft)
	if err != nil {
		kv.rf.Kill()
		panic(fmt.Sprintf("shardkv.StartServer: group %d server %d: %v", gid, me, err))
	}
	kv.rsm = r
	// The loops' periods are jittered (see rsm.Jitter) so that the
	// servers' ticks, started together, never fall due at one instant.
	jr := servers[me].Rand()
	kv.wg.Add(2)
	go kv.every(kv.pollOnce, nil, rsm.Jitter(jr, pollInterval))
	go kv.every(kv.migrateOnce, kv.kick, rsm.Jitter(jr, pollInterval))
	return kv
}

// Kill stops the server: its loops, its Raft peer and rsm replica, and every
// goroutine they started, before it returns. Handlers still waiting return
// ErrShutdown. Calling Kill more than once, even concurrently, is harmless.
func (kv *ShardKV) Kill() {
	kv.killOnce.Do(func() {
		close(kv.done)
		kv.ctrler.Close()
		kv.rsm.Kill()
	})
	kv.wg.Wait()
}

// Raft returns the server's Raft peer (tests use it to inspect the log).
func (kv *ShardKV) Raft() *raft.Raft { return kv.rf }

// Ownership reports, for tests and tools (the run report's lanes), the
// number of the config this replica has applied and the shards its group
// owns under it (serving, pulling or notifying), in increasing order. It
// reads the replica's state under its lock, briefly, and sends no message.
func (kv *ShardKV) Ownership() (config int, owned []int) { return kv.m.ownership() }

// Get is the RPC handler for Clerk.Get. The read goes through the log, so
// it is linearizable, and the shard's ownership is decided where it
// lands in the log.
func (kv *ShardKV) Get(args *GetArgs, reply *GetReply) {
	r := kv.op(opCmd{Op: "Get", Key: args.Key})
	reply.Err, reply.Value = r.Err, r.Value
}

// PutAppend is the RPC handler for Clerk.Put and Clerk.Append.
func (kv *ShardKV) PutAppend(args *PutAppendArgs, reply *PutAppendReply) {
	if args.Op != "Put" && args.Op != "Append" {
		reply.Err = ErrBadOp
		return
	}
	reply.Err = kv.op(opCmd{Op: args.Op, Key: args.Key, Value: args.Value, ClientID: args.ClientID, Seq: args.Seq}).Err
}

// op submits a client operation. It goes to rsm as an anonymous request:
// the duplicate table is per shard, in the machine, so that it can travel
// with the shard.
func (kv *ShardKV) op(c opCmd) opResult {
	if _, lead := kv.rf.GetState(); lead && !kv.m.owns(key2shard(c.Key)) {
		// Only a leader answers early: a lagging follower must not
		// turn a Clerk away from a group that serves the shard.
		return opResult{Err: ErrWrongGroup} // a hint; Apply decides
	}
	res, err := kv.rsm.Submit(rsmRequest(c))
	if err != nil {
		return opResult{Err: errFor(err)}
	}
	r, ok := res.(opResult)
	if !ok {
		return opResult{Err: ErrWrongLeader}
	}
	return r
}

// PullShard is the RPC handler other groups pull shards with. The handed-off
// copy is frozen and the same at every replica that has applied the handoff,
// so any of them may answer, without going through the log.
func (kv *ShardKV) PullShard(args *PullShardArgs, reply *PullShardReply) {
	if args.Shard < 0 || args.Shard >= shardctrler.NShards {
		reply.Err = ErrNotReady
		return
	}
	*reply = kv.m.handedOff(args.Tag, args.Shard)
}

// DeleteShard is the RPC handler a new owner calls once it has installed a
// shard: the group drops its copy, through its log.
func (kv *ShardKV) DeleteShard(args *DeleteShardArgs, reply *DeleteShardReply) {
	if args.Shard < 0 || args.Shard >= shardctrler.NShards {
		reply.Err = ErrNotReady
		return
	}
	res, err := kv.rsm.Submit(rsmRequest(deleteCmd{Tag: args.Tag, Shard: args.Shard}))
	if err != nil {
		reply.Err = errFor(err)
		return
	}
	reply.Err, _ = res.(Err)
}

// rsmRequest wraps a command as an anonymous rsm request (see op).
func rsmRequest(cmd any) rsm.Request { return rsm.Request{Command: cmd} }

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

// end returns a (cached) end to the server named name.
func (kv *ShardKV) end(name string) *labrpc.ClientEnd {
	kv.endsMu.Lock()
	defer kv.endsMu.Unlock()
	e, ok := kv.ends[name]
	if !ok {
		e = kv.makeEnd(name)
		kv.ends[name] = e
	}
	return e
}
