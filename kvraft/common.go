package kvraft

// Err is the outcome of one RPC, as the server reports it.
type Err string

// RPC outcomes. OK and ErrNoKey are answers; every other value tells the
// Clerk to try another server.
const (
	OK             Err = "OK"
	ErrNoKey       Err = "ErrNoKey"       // Get of a key never written: the value is ""
	ErrWrongLeader Err = "ErrWrongLeader" // not the leader, or lost leadership before the operation committed
	ErrTimeout     Err = "ErrTimeout"     // the operation did not commit in time (cut off from a majority?)
	ErrShutdown    Err = "ErrShutdown"    // the server was killed while the operation waited
	ErrBadOp       Err = "ErrBadOp"       // PutAppendArgs.Op is neither OpPut nor OpAppend
)

// Op names a PutAppend operation.
const (
	OpPut    = "Put"
	OpAppend = "Append"
)

// PutAppendArgs is the request of KVServer.PutAppend. ClientID and Seq
// identify it for exactly-once application across retries.
type PutAppendArgs struct {
	Key      string
	Value    string
	Op       string // OpPut or OpAppend
	ClientID int64
	Seq      int64
}

// PutAppendReply is the reply of KVServer.PutAppend.
type PutAppendReply struct {
	Err Err
}

// GetArgs is the request of KVServer.Get. A Get changes nothing, so it
// needs no client id: a retried Get is simply executed again.
type GetArgs struct {
	Key string
}

// GetReply is the reply of KVServer.Get.
type GetReply struct {
	Err   Err
	Value string
}
