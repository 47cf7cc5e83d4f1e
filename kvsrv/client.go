package kvsrv

import (
	"sync"
	"time"

	"distlab/labrpc"
)

// retryPause is how long a Clerk waits before resending a request that got
// no reply: long enough that a Clerk never spins, short beside the
// network's delays.
const retryPause = 5 * time.Millisecond

// A Clerk is a client of one KVServer. It resends each request until it
// gets a reply, and the server applies each Put and Append exactly once
// whatever the network loses. A Clerk is safe for concurrent use but runs
// one operation at a time (the server remembers one reply per client); use
// one Clerk per concurrent client.
type Clerk struct {
	server *labrpc.ClientEnd
	id     int64         // unique among the server's clients, never 0
	turn   chan struct{} // a one-slot semaphore, held while an operation runs
	seq    int64         // the latest request's Seq; guarded by turn
	closed chan struct{} // closed by Close
	close  sync.Once
}

// MakeClerk returns a Clerk that talks to the server through server. Its
// client id is drawn from server.Rand(), so a seed replays it. It panics if
// server is nil: a Clerk without an end could only retry forever.
func MakeClerk(server *labrpc.ClientEnd) *Clerk {
	if server == nil {
		panic("kvsrv.MakeClerk(nil): pass the *labrpc.ClientEnd of the server")
	}
	r := server.Rand()
	var id int64
	for id == 0 {
		id = r.Int64()
	}
	return &Clerk{server: server, id: id, turn: make(chan struct{}, 1), closed: make(chan struct{})}
}

// Get returns the current value of key, or "" if it has none. It retries
// until the server answers.
func (ck *Clerk) Get(key string) string {
	ck.turn <- struct{}{}
	defer func() { <-ck.turn }()
	ck.seq++
	args := GetArgs{Key: key, ClientID: ck.id, Seq: ck.seq}
	var reply GetReply
	ck.call("KVServer.Get", &args, &reply)
	return reply.Value
}

// Put sets key to value. It takes effect exactly once.
func (ck *Clerk) Put(key, value string) { ck.putAppend("KVServer.Put", key, value) }

// Append appends value to key's value ("" if it has none) and returns the
// value before the append. It takes effect exactly once, and returns the
// right old value even when the first reply was lost.
func (ck *Clerk) Append(key, value string) string {
	return ck.putAppend("KVServer.Append", key, value)
}

func (ck *Clerk) putAppend(method, key, value string) string {
	ck.turn <- struct{}{}
	defer func() { <-ck.turn }()
	ck.seq++
	args := PutAppendArgs{Key: key, Value: value, ClientID: ck.id, Seq: ck.seq}
	var reply PutAppendReply
	ck.call(method, &args, &reply)
	return reply.Value
}

// Close makes the Clerk give up: the operation in progress returns once
// its current RPC does (with "" for a Get or an Append), and later
// operations return at once, without effect. Whether an abandoned Put or
// Append took effect is unknown. Close is for tools that must stop a client
// whose server may never answer (the chaos command); Closed tells them
// whether a result can be trusted.
func (ck *Clerk) Close() { ck.close.Do(func() { close(ck.closed) }) }

// Closed reports whether Close has been called. An operation that returned
// before Close was called completed normally.
func (ck *Clerk) Closed() bool {
	select {
	case <-ck.closed:
		return true
	default:
		return false
	}
}

// call sends one request until a reply arrives or the Clerk is closed.
// Caller holds the turn.
func (ck *Clerk) call(method string, args, reply any) {
	for !ck.Closed() && !ck.server.Call(method, args, reply) {
		select {
		case <-time.After(retryPause):
		case <-ck.closed:
		}
	}
}
