package shardkv

import (
	"bytes"
	"fmt"
	"maps"
	"sync"

	"distlab/labgob"
	"distlab/shardkv/shardctrler"
)

// status is what a group holds of one shard under its current config.
type status int

const (
	absent    status = iota // not ours, no data here
	serving                 // ours, data here, nothing owed to anyone
	pulling                 // ours, waiting for the data from Source
	notifying               // ours, data here and served; Source not yet told to delete its copy
	handoff                 // ours no longer: data frozen here until the new owner has it
)

var statusNames = [...]string{"absent", "serving", "pulling", "notifying", "handoff"}

func (s status) String() string { return statusNames[s] }

// source says where a shard's data comes from: the group GID (reached
// through Servers) that gave it up when it applied config Tag.
type source struct {
	GID     int
	Servers []string
	Tag     int
}

// shard is one shard's state in a group. Data and Dedup are never modified
// in place once the shard is in handoff, so a copy handed to a puller is
// the final one.
type shard struct {
	Status status
	Data   map[string]string
	Dedup  map[int64]int64 // client id -> highest Put/Append seq applied
	Source source          // for pulling and notifying
	Tag    int             // for handoff: the config at which we gave it up
}

// parkedShard is the data of a shard whose config moved it to gid 0 (no
// groups at all): kept, without blocking reconfiguration, until a group
// that later owns the shard takes it (pull, then delete).
type parkedShard struct {
	Tag   int
	Data  map[string]string
	Dedup map[int64]int64
}

// The commands a group's log carries (short gob names: every entry carries
// its type's name).
type (
	// opCmd is a client's Get, Put or Append.
	opCmd struct {
		Op       string
		Key      string
		Value    string
		ClientID int64
		Seq      int64
	}
	// configCmd moves the group to Config, which must be the next one.
	// From[s] is where a shard the group gains comes from.
	configCmd struct {
		Config shardctrler.Config
		From   [shardctrler.NShards]source
	}
	// insertCmd installs a pulled shard.
	insertCmd struct {
		Tag, Shard int
		Data       map[string]string
		Dedup      map[int64]int64
	}
	// deleteCmd drops the copy of a shard handed off (or parked) at Tag.
	deleteCmd struct{ Tag, Shard int }
	// notifiedCmd records that the old owner deleted its copy.
	notifiedCmd struct{ Tag, Shard int }
	// termStartCmd is a new leader's first entry: Raft commits entries
	// of earlier terms only behind one of the current term, so without
	// it a group restarted from its log would not replay its own tail
	// (and learn of migrations in flight) until some client wrote.
	termStartCmd struct{ Term int }
)

// opResult is the result of an opCmd.
type opResult struct {
	Err   Err
	Value string
}

func init() {
	labgob.RegisterName("skv.O", opCmd{})
	labgob.RegisterName("skv.C", configCmd{})
	labgob.RegisterName("skv.I", insertCmd{})
	labgob.RegisterName("skv.D", deleteCmd{})
	labgob.RegisterName("skv.N", notifiedCmd{})
	labgob.RegisterName("skv.T", termStartCmd{})
	labgob.RegisterName("skv.R", opResult{})
}

// machine is a group's replicated state. rsm calls Apply, Snapshot and
// Restore from one goroutine; the RPC handlers and the migration loops read
// it concurrently, so every field is guarded by mu (lock order: rsm's
// mutex, then mu).
type machine struct {
	gid int
	// onServe, if set, is called for each client operation applied, with
	// the config number it was served under (tests check that no shard
	// is served by two groups under one config).
	onServe func(num, shard int)
	// onMove, if set, is called when a replica applies the handoff of a
	// shard (kind "handoff", payload nil) or its installation (kind
	// "install", payload the insertCmd, nil for a shard that starts
	// empty or comes back from parking); benchmarks time moves with it.
	onMove func(kind string, tag, shard int, payload any)
	// kick, if set, is called (with mu held; it must not block) when a
	// migration step becomes possible: a config gave the group a shard
	// to pull, or a shard arrived whose old owner must be told.
	kick func()

	mu sync.Mutex
	// cur is the config the group is in; prev the one before.
	// Invariant: a shard s has status serving, pulling or notifying iff
	// cur.Shards[s] == gid.
	cur, prev shardctrler.Config
	shards    [shardctrler.NShards]shard
	parked    map[int]parkedShard // shard -> data given to gid 0
}

func newMachine(gid int) *machine {
	return &machine{gid: gid, cur: emptyConfig(), prev: emptyConfig(), parked: map[int]parkedShard{}}
}

// orEmpty returns m, or an empty map if m is nil (gob decodes an empty map
// as nil).
func orEmpty[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	return m
}

func emptyConfig() shardctrler.Config { return shardctrler.Config{Groups: map[int][]string{}} }

// stable reports whether no migration is in flight, so the group may move
// to the next config. Caller holds mu.
func (m *machine) stable() bool {
	for _, sh := range m.shards {
		if sh.Status != serving && sh.Status != absent {
			return false
		}
	}
	return true
}

// Apply executes one committed command.
func (m *machine) Apply(command any) any {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch c := command.(type) {
	case opCmd:
		return m.applyOp(c)
	case configCmd:
		m.applyConfig(c)
	case insertCmd:
		if sh := &m.shards[c.Shard]; sh.Status == pulling && sh.Source.Tag == c.Tag {
			sh.Data, sh.Dedup = orEmpty(maps.Clone(c.Data)), orEmpty(maps.Clone(c.Dedup))
			sh.Status = notifying
			m.moved("install", c.Tag, c.Shard, c)
			m.kicked()
		}
	case deleteCmd:
		if sh := &m.shards[c.Shard]; sh.Status == handoff && sh.Tag == c.Tag {
			m.shards[c.Shard] = shard{Status: absent}
		}
		if p, ok := m.parked[c.Shard]; ok && p.Tag == c.Tag {
			delete(m.parked, c.Shard)
		}
		if m.cur.Num < c.Tag {
			return ErrNotReady // cannot happen: the puller got the data from us
		}
		return OK
	case notifiedCmd:
		if sh := &m.shards[c.Shard]; sh.Status == notifying && sh.Source.Tag == c.Tag {
			sh.Status = serving
			sh.Source = source{}
		}
	case termStartCmd:
	default:
		panic(fmt.Sprintf("shardkv: unknown command %T in the log", command))
	}
	return nil
}

// applyOp serves a client operation if the shard is ours and here.
// Caller holds mu.
func (m *machine) applyOp(c opCmd) opResult {
	s := key2shard(c.Key)
	sh := &m.shards[s]
	if sh.Status != serving && sh.Status != notifying {
		return opResult{Err: ErrWrongGroup}
	}
	if m.onServe != nil {
		m.onServe(m.cur.Num, s)
	}
	if c.Op == "Get" {
		v, ok := sh.Data[c.Key]
		if !ok {
			return opResult{Err: ErrNoKey}
		}
		return opResult{Err: OK, Value: v}
	}
	if c.Seq <= sh.Dedup[c.ClientID] {
		return opResult{Err: OK} // a duplicate: applied already, here or in a former owner
	}
	if c.Op == "Put" {
		sh.Data[c.Key] = c.Value
	} else {
		sh.Data[c.Key] += c.Value
	}
	sh.Dedup[c.ClientID] = c.Seq
	return opResult{Err: OK}
}

// applyConfig moves to the next config if the group is ready for it.
// Caller holds mu.
func (m *machine) applyConfig(c configCmd) {
	next := c.Config
	if next.Num != m.cur.Num+1 || !m.stable() {
		return // a stale or duplicate proposal
	}
	for s := range m.shards {
		was, now := m.cur.Shards[s] == m.gid, next.Shards[s] == m.gid
		sh := &m.shards[s]
		switch {
		case was && !now && next.Shards[s] == 0:
			// No group at all: park the data for whoever owns it next.
			m.parked[s] = parkedShard{Tag: next.Num, Data: sh.Data, Dedup: sh.Dedup}
			*sh = shard{Status: absent}
			m.moved("handoff", next.Num, s, nil)
		case was && !now:
			sh.Status, sh.Tag = handoff, next.Num
			m.moved("handoff", next.Num, s, nil)
		case !was && now:
			from := c.From[s]
			switch p, ok := m.parked[s]; {
			case from.GID == 0:
				*sh = shard{Status: serving, Data: map[string]string{}, Dedup: map[int64]int64{}}
			case from.GID == m.gid && ok && p.Tag == from.Tag:
				// Back from gid 0 to us, who parked it.
				*sh = shard{Status: serving, Data: orEmpty(p.Data), Dedup: orEmpty(p.Dedup)}
				delete(m.parked, s)
				m.moved("install", from.Tag, s, nil)
			default:
				*sh = shard{Status: pulling, Source: from}
			}
		}
	}
	m.prev, m.cur = m.cur, next
	m.kicked()
}

func (m *machine) kicked() {
	if m.kick != nil {
		m.kick()
	}
}

func (m *machine) moved(kind string, tag, shard int, payload any) {
	if m.onMove != nil {
		m.onMove(kind, tag, shard, payload)
	}
}

// handedOff returns a copy of shard s as handed off (or parked) at tag, or
// ErrNotReady if this server holds no such copy (yet).
func (m *machine) handedOff(tag, s int) PullShardReply {
	m.mu.Lock()
	defer m.mu.Unlock()
	if sh := m.shards[s]; sh.Status == handoff && sh.Tag == tag {
		return PullShardReply{Err: OK, Data: maps.Clone(sh.Data), Dedup: maps.Clone(sh.Dedup)}
	}
	if p, ok := m.parked[s]; ok && p.Tag == tag {
		return PullShardReply{Err: OK, Data: maps.Clone(p.Data), Dedup: maps.Clone(p.Dedup)}
	}
	return PullShardReply{Err: ErrNotReady}
}

// view is what the migration loops need of the state, copied under mu.
type view struct {
	cur       shardctrler.Config
	stable    bool
	pulling   map[int]source // shard -> where from
	notifying map[int]source
}

func (m *machine) view() view {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := view{cur: m.cur, stable: m.stable(), pulling: map[int]source{}, notifying: map[int]source{}}
	for s, sh := range m.shards {
		switch sh.Status {
		case pulling:
			v.pulling[s] = sh.Source
		case notifying:
			v.notifying[s] = sh.Source
		}
	}
	return v
}

// owns reports whether the group serves shard s right now (a hint for the
// RPC handlers; Apply decides).
func (m *machine) owns(s int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.shards[s].Status == serving || m.shards[s].Status == notifying
}

// ownership is ShardKV.Ownership.
func (m *machine) ownership() (num int, owned []int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for s, sh := range m.shards {
		if sh.Status == serving || sh.Status == pulling || sh.Status == notifying {
			owned = append(owned, s)
		}
	}
	return m.cur.Num, owned
}

// snapshotData is the machine's snapshot: everything, in-flight migrations
// (pulling, notifying, handoff, parked) included.
type snapshotData struct {
	Cur, Prev shardctrler.Config
	Shards    [shardctrler.NShards]shard
	Parked    map[int]parkedShard
}

func (m *machine) Snapshot() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	var buf bytes.Buffer
	d := snapshotData{Cur: m.cur, Prev: m.prev, Shards: m.shards, Parked: m.parked}
	if err := labgob.NewEncoder(&buf).Encode(d); err != nil {
		panic("shardkv: cannot encode a snapshot: " + err.Error())
	}
	return buf.Bytes()
}

func (m *machine) Restore(snapshot []byte) error {
	var d snapshotData
	if err := labgob.NewDecoder(bytes.NewReader(snapshot)).Decode(&d); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// gob leaves empty maps nil.
	for _, c := range []*shardctrler.Config{&d.Cur, &d.Prev} {
		if c.Groups == nil {
			c.Groups = map[int][]string{}
		}
	}
	for s := range d.Shards {
		sh := &d.Shards[s]
		if sh.Status == serving || sh.Status == notifying || sh.Status == handoff {
			sh.Data, sh.Dedup = orEmpty(sh.Data), orEmpty(sh.Dedup)
		}
	}
	if d.Parked == nil {
		d.Parked = map[int]parkedShard{}
	}
	m.cur, m.prev, m.shards, m.parked = d.Cur, d.Prev, d.Shards, d.Parked
	return nil
}
