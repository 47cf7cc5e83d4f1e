// Package kvsrvchaos holds the kvsrv lab's hooks on the chaos layer
// (distlab/labtest/chaos): "distlab chaos kvsrv". Clients Get, Put and
// Append on a few shared keys of the one server while the nemesis changes
// the network's mode (one server has no minority to fault); porcupine
// checks the history.
package kvsrvchaos

import (
	"context"
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
	clerk := func(ctx context.Context) *kvsrv.Clerk {
		ck := kvsrv.MakeClerk(c.MakeClient().Ends()[0])
		context.AfterFunc(ctx, ck.Close)
		return ck
	}
	op := func(ck *kvsrv.Clerk, in models.KvInput) chaos.Op {
		return chaos.Op{Input: in, Do: func() (any, bool) {
			var out models.KvOutput
			switch in.Op {
			case models.OpGet:
				out.Value = ck.Get(in.Key)
			case models.OpPut:
				ck.Put(in.Key, in.Value)
			default:
				out.Value = ck.Append(in.Key, in.Value)
			}
			return out, !ck.Closed()
		}}
	}
	return chaos.Service{
		Clusters: []chaos.Faultable{c},
		// Gets (40%), Puts (20%) and Appends, each written value unique.
		Client: func(ctx context.Context, id int, r *rand.Rand) func() chaos.Op {
			ck, j := clerk(ctx), 0
			return func() chaos.Op {
				j++
				in := models.KvInput{Op: models.OpAppendOld, Key: fmt.Sprint("k", r.IntN(keys)), Value: fmt.Sprintf("[%d.%d]", id, j)}
				if p := r.IntN(10); p < 4 {
					in.Op, in.Value = models.OpGet, ""
				} else if p < 6 {
					in.Op = models.OpPut
				}
				return op(ck, in)
			}
		},
		// A new client writes and reads back; porcupine judges the values.
		Probe: func(ctx context.Context, do func(chaos.Op) (any, bool)) error {
			ck := clerk(ctx)
			for _, in := range []models.KvInput{{Op: models.OpPut, Key: "probe", Value: "healed"}, {Op: models.OpGet, Key: "probe"}} {
				if _, ok := do(op(ck, in)); !ok {
					return fmt.Errorf("a new client's %s did not return", models.KvModel.DescribeOperation(in, nil))
				}
			}
			return nil
		},
	}
}
