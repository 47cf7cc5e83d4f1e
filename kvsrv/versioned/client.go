package versioned

import (
	"time"

	"distlab/labrpc"
)

// retryPause is how long a Clerk waits before resending a request that got
// no reply.
const retryPause = 5 * time.Millisecond

// A Clerk is a client of one versioned KVServer. It resends each request
// until it gets a reply. It keeps no state between operations, so it is
// safe for concurrent use and its operations may overlap.
type Clerk struct {
	server *labrpc.ClientEnd
}

// MakeClerk returns a Clerk that talks to the server through server. It
// panics if server is nil: a Clerk without an end could only retry forever.
func MakeClerk(server *labrpc.ClientEnd) *Clerk {
	if server == nil {
		panic("versioned.MakeClerk(nil): pass the *labrpc.ClientEnd of the server")
	}
	return &Clerk{server: server}
}

// Get returns key's value and version, or ErrNoKey. It retries until the
// server answers.
func (ck *Clerk) Get(key string) (string, uint64, Err) {
	args := GetArgs{Key: key}
	var reply GetReply
	for !ck.server.Call("KVServer.Get", &args, &reply) {
		time.Sleep(retryPause)
	}
	return reply.Value, reply.Version, reply.Err
}

// Put installs value at key if key's version is version (0 creates a
// missing key), and returns:
//
//   - OK: it took effect, exactly once;
//   - ErrVersion: it did not take effect (the version did not match on the
//     first try);
//   - ErrNoKey: key does not exist and version is not 0; nothing changed;
//   - ErrMaybe: the first try got no reply and a resend got ErrVersion. The
//     first try may have taken effect (its reply was lost, and the resend
//     found the version it had installed) or not (another client changed
//     the key first); the caller must find out, e.g. with a Get.
func (ck *Clerk) Put(key, value string, version uint64) Err {
	args := PutArgs{Key: key, Value: value, Version: version}
	for try := 0; ; try++ {
		var reply PutReply
		if ck.server.Call("KVServer.Put", &args, &reply) {
			if reply.Err == ErrVersion && try > 0 {
				return ErrMaybe
			}
			return reply.Err
		}
		time.Sleep(retryPause)
	}
}
