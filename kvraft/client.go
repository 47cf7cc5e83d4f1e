package kvraft

import (
	"time"

	"distlab/labrpc"
	"distlab/rsm"
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
	s *rsm.Session
}

// MakeClerk returns a Clerk that talks to the group through servers. Its
// client id comes from servers[0].Rand(), so a seed replays it. It panics if
// servers is empty.
func MakeClerk(servers []*labrpc.ClientEnd) *Clerk {
	if len(servers) == 0 {
		panic("kvraft.MakeClerk: no servers")
	}
	return &Clerk{rsm.NewSession(servers, retryPause)}
}

// Get returns the current value of key, or "" if it has none. It retries
// until some server answers.
func (ck *Clerk) Get(key string) string {
	args := GetArgs{Key: key}
	var value string
	ck.s.Read(func(s *labrpc.ClientEnd) bool {
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
	ck.s.Write(func(clientID, seq int64, s *labrpc.ClientEnd) bool {
		args := PutAppendArgs{Key: key, Value: value, Op: op, ClientID: clientID, Seq: seq}
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
func (ck *Clerk) Close() { ck.s.Close() }

// Closed reports whether Close has been called. An operation that returned
// before Close was called completed normally.
func (ck *Clerk) Closed() bool { return ck.s.Closed() }
