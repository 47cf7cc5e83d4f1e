// Package shardkv is a sharded, reconfigurable, linearizable key/value
// store: keys are split into shardctrler.NShards shards (a key's shard is
// its first byte modulo NShards), each served by one replica group at a
// time, and the shard controller (package shardctrler) says which. Groups
// join and leave while clients run; shards move between groups without
// losing or duplicating a write.
//
// # Replica groups
//
// A group is a set of ShardKV servers (StartServer), each a Raft peer with
// an rsm replica over it. Everything a group decides goes through its log,
// so its replicas agree on it: client operations, each move to a new
// configuration, each shard that arrives, and each shard deleted after it
// was handed off. The group's leader polls the controller about every
// 100 ms and moves through the configurations one at a time, in order: it
// proposes config n+1 only when nothing of config n is still in flight.
//
// # Migration by pull
//
// When a group applies a config that takes a shard away from it, it stops
// serving the shard at that log position and freezes the shard's data
// (status handoff). When a group applies a config that gives it a shard,
// it marks the shard "pulling" and its leader asks the old owner's servers
// for the frozen copy (PullShard), then installs it through its own log.
//
// We pull rather than push because the receiver is the one that knows when
// it needs a shard and whether it already has it: it applies config n+1
// first, then asks; a push would need the sender to learn that the receiver
// has reached config n+1 (or to buffer shards for configs the receiver has
// not seen). A frozen copy is the same at every replica that has applied the
// handoff, so any of them can answer a pull without a log round; only the
// receiver's install goes through a log, where it is idempotent (an install
// for a shard that is no longer pulling, or for another config, is
// ignored).
//
// Challenge 1 (deletion): once the receiver has installed a shard it tells
// the old owner (DeleteShard), which drops its copy through its own log;
// then the receiver records that it was told (status serving again). A
// group does not move to its next config while it owes or awaits such a
// message, so a frozen copy is deleted before it could become stale, and
// storage stays bounded however often shards move back and forth.
//
// Challenge 2 (serving during reconfiguration): ownership is per shard. A
// shard that a reconfiguration does not touch is served throughout; a
// shard that arrives is served from the moment it is installed, while
// others are still being pulled.
//
// A config with no groups at all (every group left) puts every shard on
// gid 0. The last owner then parks the shard's data, without blocking its
// own reconfiguration, and a group that later owns the shard finds that
// owner by reading older configs and pulls the parked copy.
//
// # Exactly once across groups
//
// A Clerk numbers its Puts and Appends; each shard carries its own
// duplicate table (client id -> highest sequence number applied), which
// travels with the shard's data in a pull. A retried write is recognised
// in whichever group the shard has moved to. (Requests go to rsm as
// anonymous requests for this reason: rsm's own session table is per
// group, not per shard.)
//
// # Snapshots
//
// A group's snapshot holds its whole state: the current and previous
// config, every shard's status, data and duplicate table, the copies it
// still owes (handoff, parked) and where each pulling shard comes from. A
// group restarted from a snapshot resumes its migrations where they were;
// a new leader first commits an entry of its own term (termStartCmd) so
// that the log's tail is replayed even when no client writes.
//
// # Files
//
//	common.go   Err values (ErrWrongGroup, ...), RPC arguments, key2shard
//	machine.go  the replicated state: shard statuses, apply rules, snapshots
//	server.go   ShardKV: StartServer (and StartServerWithHooks), Kill, Ownership, the RPC handlers
//	migrate.go  the leader's loops: follow configs, pull shards, delete copies
//	client.go   Clerk: Get, Put, Append, Close
//
// Beside it: shardkvtest holds the one-group-per-shard-per-config check
// that the tests and the chaos hooks share; shardchaos is "distlab chaos
// shardkv"; testdata holds hand-written failure schedules.
//
// Virtual time: servers and clerks block only on channels and timers and
// never while holding a mutex, and Kill ends every goroutine a server
// started, so the tests run in a testing/synctest bubble.
package shardkv
