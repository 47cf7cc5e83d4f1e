// Package rsm is a replicated state machine over a consensus log: the layer
// between a consensus protocol (raft, or Paxos through rsm/paxoslog) and a
// service built on it (kvraft, the shard controller, shardkv), so that no
// service has to re-implement it.
//
// A service defines a StateMachine (apply an operation, take a snapshot,
// restore one) and hands operations to Submit. Submit places the operation
// in the consensus log and waits until this server has applied it, returning
// the state machine's result; or it reports that this server is not, or is no
// longer, the leader (ErrWrongLeader, ErrLeadershipLost, ErrTimeout), and the
// client should retry at another server. Every server applies every committed
// operation in log order, so all replicas go through the same states.
//
// Exactly once. A Request that carries a client id and a sequence number is
// applied at most once per (client, sequence number), however many times the
// client retries it and whichever servers it retries at: the RSM remembers,
// per client, the highest sequence number applied and its result, and answers
// a duplicate with the remembered result. That table travels in snapshots and
// is rebuilt from the log after a restart, so the guarantee survives both. A
// client must number its requests 1, 2, 3, ... and have at most one
// outstanding at a time. A request with client id 0 is anonymous: it is
// applied every time it reaches the log, which suits reads.
// A Session is that client side (the id, the numbering, one request at a
// time, retrying at the next server until one accepts), which the services'
// Clerks are built on.
//
// Snapshots. When the consensus state saved in the Persister reaches
// maxraftstate bytes, the RSM asks the log to compact itself behind a
// snapshot of the state machine and the duplicate table. It restores the
// latest snapshot at start-up and whenever the log delivers one
// (ApplyMsg.SnapshotValid). maxraftstate -1 means never snapshot.
//
// Checking. Config.Observe sees every command a replica applies and every
// snapshot it installs, in order; CheckWith turns that into reports to a
// log checker such as labtest.Agreement, so a service's tests can check
// that its replicas agree on their log (FromRaft converts raft's messages).
//
// Virtual time. The RSM blocks only on channels and timers and never while
// holding its mutex; Kill stops every goroutine it started before returning,
// so it can run inside a testing/synctest bubble. A seed replays a run on
// one thread: the RSM's and the Session's timers are jittered from seeded
// sources (Jitter), because a bubble fires timers due at the same instant
// in random order, and waiters are woken in index order, not map order.
package rsm
