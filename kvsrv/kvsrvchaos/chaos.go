// Package kvsrvchaos holds the kvsrv lab's hooks on the chaos layer
// (distlab/labtest/chaos): "distlab chaos kvsrv". Clients Get, Put and
// Append on a few shared keys of the one server while the nemesis changes
// the network's mode (one server has no minority to fault); porcupine
// checks the history.
package kvsrvchaos

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"distlab/kvsrv"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/persister"
	"distlab/porcupine/models"
)

func init() {
	chaos.Register(chaos.Lab{
		Name:    "kvsrv",
		Summary: "one key/value server with concurrent clients over a lossy network, checked for linearizability",
		About: "Clients Get, Put and Append (returning the old value) on a few shared keys while the network\n" +
			"turns unreliable, reorders and delays (-interval sets how often); porcupine checks the history.",
		Defaults:   chaos.Config{Servers: 1, Clients: 5},
		MinServers: 1,
		Model:      &models.KvModel,
		ModelName:  models.KvModelName,
		Setup: func(fs *flag.FlagSet) chaos.Start {
			keys := chaos.IntFlag(fs, "keys", 3, 1, "number of keys the clients share")
			return func(t *testing.T, cfg chaos.Config) chaos.Service { return start(t, cfg, *keys) }
		},
	})
}

func start(t *testing.T, cfg chaos.Config, keys int) chaos.Service {
	if cfg.Servers != 1 {
		t.Fatalf("kvsrv chaos: -servers %d: kvsrv is one server", cfg.Servers)
	}
	c := labtest.NewCluster(t, 1, func([]*labrpc.ClientEnd, int, *persister.Persister) (*kvsrv.KVServer, []any) {
		kv := kvsrv.StartKVServer()
		return kv, []any{kv}
	})
	// Gets (40%), Puts (20%) and Appends returning the old value, each
	// written value unique.
	return chaos.KV{
		Clerk: func() chaos.KVClerk { return kvsrv.MakeClerk(c.MakeClient().Ends()[0]) },
		Key:   func(r *rand.Rand) string { return fmt.Sprint("k", r.IntN(keys)) },
		Gets:  40, Puts: 20,
		AppendOld: true,
	}.Service(c)
}
