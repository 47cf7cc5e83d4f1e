package kvsrv

// GetArgs is the request of KVServer.Get. ClientID and Seq are the
// Clerk's: a Get changes nothing and is never remembered, but it tells the
// server that the client has received every earlier reply, so the server
// can forget the client's last Append reply.
type GetArgs struct {
	Key      string
	ClientID int64
	Seq      int64
}

// GetReply is the reply of KVServer.Get: the key's value, "" if it has none.
type GetReply struct {
	Value string
}

// PutAppendArgs is the request of KVServer.Put and KVServer.Append.
// ClientID and Seq identify it: a Clerk sends each operation with the next
// Seq, and resends it unchanged until it gets a reply, so the server can
// recognise a retry and apply each operation at most once.
type PutAppendArgs struct {
	Key      string
	Value    string
	ClientID int64
	Seq      int64
}

// PutAppendReply is the reply of KVServer.Put and KVServer.Append. For an
// Append, Value is the key's value before the append; for a Put it is "".
type PutAppendReply struct {
	Value string
}
