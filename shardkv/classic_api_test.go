package shardkv

import (
	"fmt"
	"testing"

	"distlab/labrpc"
	"distlab/raft"
	"distlab/shardkv/shardctrler"

	"github.com/stretchr/testify/require"
)

// The classic 6.5840 signatures, as a classic test harness (config.go) uses
// them: these lines stop compiling if one drifts.
var (
	_ func([]*labrpc.ClientEnd, int, *raft.Persister, int, int, []*labrpc.ClientEnd, func(string) *labrpc.ClientEnd) *ShardKV = StartServer
	_ func([]*labrpc.ClientEnd, func(string) *labrpc.ClientEnd) *Clerk                                                        = MakeClerk
	_ func([]*labrpc.ClientEnd, int, *raft.Persister) *shardctrler.ShardCtrler                                                = shardctrler.StartServer
	_ func([]*labrpc.ClientEnd) *shardctrler.Clerk                                                                            = shardctrler.MakeClerk
	_ func(string) int                                                                                                        = key2shard
	_ Err                                                                                                                     = ErrWrongGroup
	_ *raft.Raft                                                                                                              = (&ShardKV{}).rf
	_ func() *raft.Raft                                                                                                       = (&shardctrler.ShardCtrler{}).Raft
	_ int                                                                                                                     = shardctrler.NShards
)

// TestClassicWiringWithoutTheHarness wires a controller and two groups on a
// bare labrpc network the way a classic harness does (ends with their own
// names, services registered from the server and its unexported rf), on
// the real clock, and moves shards once.
func TestClassicWiringWithoutTheHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test")
	}
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	endN := 0
	newEnd := func(server string) *labrpc.ClientEnd {
		endN++
		name := fmt.Sprintf("end-%d", endN)
		e := net.MakeEnd(name)
		net.Connect(name, server)
		net.Enable(name, true)
		return e
	}
	ends := func(servers []string) []*labrpc.ClientEnd {
		var es []*labrpc.ClientEnd
		for _, s := range servers {
			es = append(es, newEnd(s))
		}
		return es
	}
	ctrlNames := []string{"ctrl-0", "ctrl-1", "ctrl-2"}
	var kills []func()
	defer func() {
		for _, k := range kills {
			k()
		}
	}()
	for i, name := range ctrlNames {
		sc := shardctrler.StartServer(ends(ctrlNames), i, raft.MakePersister())
		kills = append(kills, sc.Kill)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(sc))
		srv.AddService(labrpc.MakeService(sc.Raft()))
		net.AddServer(name, srv)
	}
	groups := map[int][]string{}
	for _, gid := range []int{100, 101} {
		names := []string{fmt.Sprintf("s-%d-0", gid), fmt.Sprintf("s-%d-1", gid), fmt.Sprintf("s-%d-2", gid)}
		groups[gid] = names
		for i, name := range names {
			kv := StartServer(ends(names), i, raft.MakePersister(), -1, gid, ends(ctrlNames), newEnd)
			kills = append(kills, kv.Kill)
			srv := labrpc.MakeServer()
			srv.AddService(labrpc.MakeService(kv))
			srv.AddService(labrpc.MakeService(kv.rf))
			net.AddServer(name, srv)
		}
	}
	mck := shardctrler.MakeClerk(ends(ctrlNames))
	ck := MakeClerk(ends(ctrlNames), newEnd)
	mck.Join(map[int][]string{100: groups[100]})
	for i := range 10 {
		ck.Put(fmt.Sprint(i), fmt.Sprint("v", i))
	}
	mck.Join(map[int][]string{101: groups[101]})
	mck.Leave([]int{100})
	for i := range 10 {
		ck.Append(fmt.Sprint(i), "+")
		require.Equal(t, fmt.Sprint("v", i, "+"), ck.Get(fmt.Sprint(i)))
	}
	require.Equal(t, 101, mck.Query(-1).Shards[key2shard("7")])
	ck.Close()
	mck.Close()
}
