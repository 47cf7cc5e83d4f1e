package versioned

import "sync"

// A KVServer is the versioned key/value server. Its exported methods Get
// and Put are the RPC handlers (register them with labrpc.MakeService); it
// runs no goroutines. Safe for concurrent use: each handler runs under the
// server's mutex and never blocks while holding it.
type KVServer struct {
	mu   sync.Mutex
	data map[string]entry // guarded by mu
}

// entry is one key's value and version. Invariant: version >= 1 for every
// key in the map (version 0 means "no such key" in a Put).
type entry struct {
	value   string
	version uint64
}

// StartKVServer returns a server with an empty store.
func StartKVServer() *KVServer {
	return &KVServer{data: map[string]entry{}}
}

// Kill exists so that a test harness can crash the server. The server has
// no goroutines and keeps nothing on disk: its successor starts empty.
func (kv *KVServer) Kill() {}

// Get replies with args.Key's value and version, or ErrNoKey.
func (kv *KVServer) Get(args *GetArgs, reply *GetReply) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	e, ok := kv.data[args.Key]
	if !ok {
		reply.Err = ErrNoKey
		return
	}
	reply.Value, reply.Version, reply.Err = e.value, e.version, OK
}

// Put installs args.Value, and increments the version, if args.Version is
// args.Key's current version; version 0 creates a missing key with version
// 1. Otherwise nothing changes and the reply is ErrVersion (the key exists
// with another version) or ErrNoKey (the key is missing and args.Version is
// not 0).
//
// Put needs no duplicate table: a resent Put that already took effect
// finds the version moved on and changes nothing. The cost is on the
// client's side, which cannot tell that ErrVersion from a lost race (see
// ErrMaybe).
func (kv *KVServer) Put(args *PutArgs, reply *PutReply) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	e, ok := kv.data[args.Key]
	switch {
	case !ok && args.Version != 0:
		reply.Err = ErrNoKey
	case e.version != args.Version: // e.version is 0 for a missing key
		reply.Err = ErrVersion
	default:
		kv.data[args.Key] = entry{value: args.Value, version: e.version + 1}
		reply.Err = OK
	}
}
