package shardctrler

// NShards is the number of shards the key space is divided into.
const NShards = 10

// Config is one configuration of the sharded service: which replica group
// serves each shard. Configurations are numbered 0, 1, 2, ...; config 0 has
// no groups and every shard on gid 0 (no group). Gid 0 is never a valid
// group id.
type Config struct {
	Num    int              // config number
	Shards [NShards]int     // shard -> gid
	Groups map[int][]string // gid -> servers[]
}

// clone returns a deep copy of c, so that a Config handed out never shares
// its Groups map (or a server list) with the controller's state.
func (c Config) clone() Config {
	d := Config{Num: c.Num, Shards: c.Shards, Groups: make(map[int][]string, len(c.Groups))}
	for gid, servers := range c.Groups {
		d.Groups[gid] = append([]string(nil), servers...)
	}
	return d
}

// Err is the outcome of one RPC, as the server reports it.
type Err string

// RPC outcomes. OK is an answer; every other value tells the Clerk to try
// another server.
const (
	OK             Err = "OK"
	ErrWrongLeader Err = "ErrWrongLeader" // not the leader, or lost leadership before the operation committed
	ErrTimeout     Err = "ErrTimeout"     // the operation did not commit in time
	ErrShutdown    Err = "ErrShutdown"    // the server was killed while the operation waited
)

// JoinArgs is the request of ShardCtrler.Join: new gid -> servers mappings.
// ClientID and Seq identify it for exactly-once application across retries.
type JoinArgs struct {
	Servers  map[int][]string
	ClientID int64
	Seq      int64
}

// JoinReply is the reply of ShardCtrler.Join.
type JoinReply struct {
	WrongLeader bool
	Err         Err
}

// LeaveArgs is the request of ShardCtrler.Leave: the gids that leave.
type LeaveArgs struct {
	GIDs     []int
	ClientID int64
	Seq      int64
}

// LeaveReply is the reply of ShardCtrler.Leave.
type LeaveReply struct {
	WrongLeader bool
	Err         Err
}

// MoveArgs is the request of ShardCtrler.Move: give Shard to group GID.
type MoveArgs struct {
	Shard    int
	GID      int
	ClientID int64
	Seq      int64
}

// MoveReply is the reply of ShardCtrler.Move.
type MoveReply struct {
	WrongLeader bool
	Err         Err
}

// QueryArgs is the request of ShardCtrler.Query: config number Num, or the
// latest if Num is -1 or larger than the latest. A Query changes nothing,
// so it needs no client id.
type QueryArgs struct {
	Num int
}

// QueryReply is the reply of ShardCtrler.Query.
type QueryReply struct {
	WrongLeader bool
	Err         Err
	Config      Config
}
