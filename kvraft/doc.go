// Package kvraft is a linearizable, fault-tolerant key/value service
// replicated with Raft, or with Paxos.
//
// A group of KVServers (StartKVServer) each runs a Raft peer and an rsm
// replica over it; StartKVServerOnPaxos runs a Paxos peer instead, as an
// rsm log through rsm/paxoslog, and the service is the same. Clients use a
// Clerk (MakeClerk) to Get, Put and Append string values. The tests run
// every case on both (subtests raft/ and paxos/). Every operation, reads included, goes through the Raft
// log, so every operation takes effect at one instant between its call and
// its return (linearizability), and a leader cut off from a majority can
// answer nothing: a partitioned ex-leader never returns stale data.
//
// A Clerk remembers which server answered last and tries it first. When a
// server is not the leader, times out or cannot be reached, the Clerk tries
// the next one, resending the same request with the same client id and
// sequence number; the rsm layer applies each Put or Append exactly once
// however often it is resent, even across snapshots and restarts.
//
// With maxraftstate >= 0 a server snapshots its store and duplicate table
// when Raft's saved state reaches maxraftstate bytes; -1 never snapshots.
//
// Virtual time: servers and clerks block only on channels and timers and
// never while holding a mutex, and Kill ends every goroutine a server
// started, so the tests run in a testing/synctest bubble.
package kvraft
