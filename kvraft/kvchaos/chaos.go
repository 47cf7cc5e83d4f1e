// Package kvchaos holds the kvraft lab's hooks on the chaos layer
// (distlab/labtest/chaos): "distlab chaos kvraft", and chaos.Run(t,
// "kvraft", ...) in tests. Concurrent clients read and write a few shared
// keys while the nemesis faults the servers; after healing every client
// must be served, and the whole history must be linearizable.
package kvchaos

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"distlab/kvraft"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/labtest/report"
	"distlab/paxos/paxostest"
	"distlab/persister"
	"distlab/porcupine/models"
	"distlab/raft/rafttest"
)

func init() {
	chaos.Register(chaos.Lab{
		Name:    "kvraft",
		Summary: "a kvraft cluster with concurrent clients, checked for linearizability",
		About: "Clients Get, Put and Append on a few shared keys under random partitions, crashes and\n" +
			"network faults; after healing every client must be served, and porcupine checks the history.",
		Defaults:  chaos.Config{Clients: 5},
		Model:     &models.KvModel,
		ModelName: models.KvModelName,
		Setup: func(fs *flag.FlagSet) chaos.Start {
			keys := chaos.IntFlag(fs, "keys", 5, 1, "number of keys the clients share")
			maxraftstate := chaos.IntFlag(fs, "maxraftstate", 1000, -1, "snapshot when Raft's state reaches this many bytes; -1: never")
			unreliable := fs.Bool("unreliable", false, "start with an unreliable network (drops and delays)")
			onPaxos := fs.Bool("paxos", false, "run the servers on Paxos (kvraft.StartKVServerOnPaxos) instead of Raft")
			return func(t *testing.T, cfg chaos.Config) chaos.Service {
				return start(t, cfg, *onPaxos, *keys, *maxraftstate, *unreliable)
			}
		},
	})
}

func start(t *testing.T, cfg chaos.Config, onPaxos bool, keys, maxraftstate int, unreliable bool) chaos.Service {
	startKV := kvraft.StartKVServer
	if onPaxos {
		startKV = kvraft.StartKVServerOnPaxos
	}
	c := labtest.NewCluster(t, cfg.Servers, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*kvraft.KVServer, []any) {
		kv := startKV(ends, me, p, maxraftstate)
		return kv, []any{kv, kv.Consensus()}
	})
	c.World().Reliable(!unreliable)
	// The run report's lanes show each server's consensus peer: Raft's
	// role, term and indices, or the instances its Paxos peer decided.
	c.RecordStates(0, func(_ int, kv *kvraft.KVServer) report.State {
		if px := kv.Paxos(); px != nil {
			return paxostest.State(px)
		}
		return rafttest.State(kv.Raft())
	})
	// Gets (50%), Puts (20%) and Appends on shared keys; every value written is unique.
	return chaos.KV{
		Clerk: func() chaos.KVClerk { return kvraft.MakeClerk(c.MakeClient().Ends()) },
		Key:   func(r *rand.Rand) string { return fmt.Sprintf("k%d", r.IntN(keys)) },
		Gets:  50, Puts: 20,
	}.Service(c)
}
