package kvsrv

import (
	"sync"
)

// A KVServer is the key/value server. Its exported methods Get, Put and
// Append are the RPC handlers (register them with labrpc.MakeService); it
// runs no goroutines. A KVServer is safe for concurrent use: each handler
// runs under the server's mutex and never blocks while holding it.
type KVServer struct {
	mu sync.Mutex
	// Guarded by mu:
	data    map[string]string
	clients map[int64]client // duplicate detection: one entry per client ever seen
}

// client is what the server remembers of one client: the Seq of its latest
// request, and the reply of that request if it was an Append (the value
// before it), which a retry of that Append must get again.
//
// Invariant: old is "" unless the latest request was an Append. A client
// sends request seq+1 only after it received the reply of seq, so the old
// value is dropped at the client's next request, and the server holds at
// most one remembered reply per client, never one per request.
type client struct {
	seq int64
	old string
}

// StartKVServer returns a server with an empty store.
func StartKVServer() *KVServer {
	return &KVServer{data: map[string]string{}, clients: map[int64]client{}}
}

// Kill exists so that a test harness can crash the server. The server has
// no goroutines and keeps no state on disk: a crashed server's store is
// lost, and the harness's successor starts empty.
func (kv *KVServer) Kill() {}

// admit tells what to do with request seq of client id: run it (a new
// request; the client's remembered reply is forgotten), answer it from
// memory (a retry of the latest request), or drop it (an older request
// still travelling: its client has its reply already and waits for none).
// A request with ClientID 0 is anonymous: it runs every time it arrives,
// with no duplicate detection (a Clerk never sends one). Caller holds mu.
func (kv *KVServer) admit(id, seq int64) (rec client, fresh bool) {
	if id == 0 {
		return client{}, true
	}
	rec = kv.clients[id]
	if seq > rec.seq {
		rec = client{seq: seq}
		kv.clients[id] = rec
		return rec, true
	}
	return rec, false
}

// Get replies with the value of args.Key ("" if it has none). A Get is
// never remembered: a retried Get runs again, which is as correct as the
// first run, since it changes nothing.
func (kv *KVServer) Get(args *GetArgs, reply *GetReply) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.admit(args.ClientID, args.Seq)
	reply.Value = kv.data[args.Key]
}

// Put sets args.Key to args.Value, unless this request (its ClientID and
// Seq) was applied already.
func (kv *KVServer) Put(args *PutAppendArgs, reply *PutAppendReply) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	if _, fresh := kv.admit(args.ClientID, args.Seq); fresh {
		kv.data[args.Key] = args.Value
	}
}

// Append appends args.Value to args.Key's value and replies with the value
// before the append. A retry of an Append already applied gets the
// remembered reply of the first run and changes nothing.
func (kv *KVServer) Append(args *PutAppendArgs, reply *PutAppendReply) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	rec, fresh := kv.admit(args.ClientID, args.Seq)
	switch {
	case fresh:
		old := kv.data[args.Key]
		kv.data[args.Key] = old + args.Value
		if old != "" && args.ClientID != 0 {
			rec.old = old
			kv.clients[args.ClientID] = rec
		}
		reply.Value = old
	case args.Seq == rec.seq:
		reply.Value = rec.old
	}
	// An older request: its client moved on and waits for no reply.
}
