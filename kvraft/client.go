package kvraft

import (
	"sync"
	"time"

	"distlab/labrpc"
)

// retryPause is how long a Clerk waits after every server has failed it
// once, before it tries them all again; it keeps a Clerk from spinning while
// the group elects a leader.
const retryPause = 20 * time.Millisecond

// Clerk is a client of the key/value service. Its operations are
// linearizable and each Put or Append takes effect exactly once. A Clerk is
// safe for concurrent use, but it performs one operation at a time (an
// exactly-once session allows only one outstanding request); use one Clerk
// per concurrent client.
type Clerk struct {
	servers  []*labrpc.ClientEnd
	clientID int64
	turn     chan struct{} // a one-slot semaphore: holds the token while an operation runs
	closed   chan struct{} // closed by Close
	close    sync.Once
	// Guarded by turn:
	seq    int64 // sequence number of the latest Put/Append
	leader int   // the server that answered last
}

// MakeClerk returns a Clerk that talks to the group through servers. Its
// client id comes from servers[0].Rand(), so a seed replays it. It panics if
// servers is empty.
func MakeClerk(servers []*labrpc.ClientEnd) *Clerk {
	if len(servers) == 0 {
		panic("kvraft.MakeClerk: no servers")
	}
	r := servers[0].Rand()
	var id int64
	for id == 0 {
		id = r.Int64() // 0 means anonymous to rsm
	}
	ck := &Clerk{servers: servers, clientID: id, turn: make(chan struct{}, 1), closed: make(chan struct{})}
	ck.leader = r.IntN(len(servers))
	return ck
}

// Get returns the current value of key, or "" if it has none. It retries
// until some server answers.
func (ck *Clerk) Get(key string) string {
	ck.turn <- struct{}{}
	defer func() { <-ck.turn }()
	args := GetArgs{Key: key}
	var value string
	ck.call(func(s *labrpc.ClientEnd) bool {
		var reply GetReply
		if !s.Call("KVServer.Get", &args, &reply) {
			return false
		}
		if reply.Err == OK || reply.Err == ErrNoKey {
			value = reply.Value
			return true
		}
		return false
	})
	return value
}

// Put sets key to value.
func (ck *Clerk) Put(key, value string) { ck.putAppend(key, value, OpPut) }

// Append appends value to key's value ("" if it has none).
func (ck *Clerk) Append(key, value string) { ck.putAppend(key, value, OpAppend) }

func (ck *Clerk) putAppend(key, value, op string) {
	ck.turn <- struct{}{}
	defer func() { <-ck.turn }()
	ck.seq++
	args := PutAppendArgs{Key: key, Value: value, Op: op, ClientID: ck.clientID, Seq: ck.seq}
	ck.call(func(s *labrpc.ClientEnd) bool {
		var reply PutAppendReply
		return s.Call("KVServer.PutAppend", &args, &reply) && reply.Err == OK
	})
}

// Close makes the Clerk give up: the operation in progress returns as soon
// as its current RPC does (a Get returning ""), and later operations return
// at once, without effect. Whether an abandoned Put or Append took effect is
// unknown. Close is for tests and tools that must stop a client whose
// servers may never answer; Closed tells them whether an operation's result
// can be trusted.
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

// call sends one request with try until a server accepts it, starting at
// the last known leader and moving to the next server after each failure,
// or until the Clerk is closed. Caller holds the turn.
func (ck *Clerk) call(try func(*labrpc.ClientEnd) bool) {
	for failures := 0; !ck.Closed(); {
		if try(ck.servers[ck.leader]) {
			return
		}
		ck.leader = (ck.leader + 1) % len(ck.servers)
		if failures++; failures%len(ck.servers) == 0 {
			select {
			case <-time.After(retryPause):
			case <-ck.closed:
			}
		}
	}
}
