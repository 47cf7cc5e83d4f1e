// Package shardctrler is the configuration service of shardkv: a
// replicated, linearizable list of configurations, each saying which
// replica group serves each of NShards shards.
//
// An administrator (or a test) changes the configuration with a Clerk:
// Join adds groups, Leave removes them, Move pins one shard on one group;
// every change makes a new Config numbered one higher. Query(n) returns
// config n, or the latest for -1. Replica groups of shardkv poll Query to
// learn of new configurations.
//
// After a Join or Leave the shards are balanced: group shard counts differ
// by at most one (with more groups than shards, NShards groups get one
// each), and as few shards as possible move. Every replica computes the
// same config, because the balancing decides by sorted gids and shard
// numbers, never by the order of a Go map.
//
// The service is a group of ShardCtrler servers (StartServer), each a Raft
// peer with an rsm replica over it: every operation, Query included, goes
// through the log, and each Join/Leave/Move is applied exactly once
// (rsm's sessions) however often the Clerk resends it.
//
// Files:
//
//	common.go   Config, NShards, the RPC arguments and replies
//	balance.go  rebalance: even, minimal, deterministic shard assignment
//	machine.go  the replicated state machine (the list of configs)
//	server.go   ShardCtrler: StartServer, the RPC handlers, Kill, Raft
//	client.go   Clerk: Query, Join, Leave, Move, Close
//
// Virtual time: servers and clerks block only on channels and timers and
// never while holding a mutex, and Kill ends every goroutine a server
// started, so the tests run in a testing/synctest bubble.
package shardctrler
