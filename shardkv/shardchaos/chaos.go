// Package shardchaos holds shardkv's hooks on the chaos layer
// (distlab/labtest/chaos): "distlab chaos shardkv", and chaos.Run(t,
// "shardkv", ...) in tests.
//
// A controller and several replica groups run while clients Get, Put and
// Append on keys spread over every shard. Each cluster (the controller and
// every group) has its own nemesis: partitions inside a group, crashes,
// network faults. On top of those, an administrator reconfigures all the
// time and applies group-level faults: groups join and leave, shards move,
// a whole group crashes and comes back, the controller is cut off from
// everyone for a while. After each heal a new client must be served; at the
// end porcupine checks the history per key, and the invariants are that
// the controller's and every group's replicas agree on their logs and that
// no shard is served by two groups under one config.
package shardchaos

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/labtest/report"
	"distlab/persister"
	"distlab/porcupine/models"
	"distlab/raft/rafttest"
	"distlab/rsm"
	"distlab/shardkv"
	"distlab/shardkv/shardctrler"
	"distlab/shardkv/shardkvtest"
)

// firstGID is the gid of the first group; group i has firstGID+i.
const firstGID = 100

func init() {
	chaos.Register(chaos.Lab{
		Name:    "shardkv",
		Summary: "replica groups and a shard controller, reconfigured while clients run",
		About: "Clients Get, Put and Append on keys of every shard while each group and the controller suffer\n" +
			"random faults and an administrator joins, leaves and moves, crashes whole groups and cuts the\n" +
			"controller off; -servers is the size of each group (the controller has 3). After healing a new\n" +
			"client must be served; porcupine checks the history per key.",
		Defaults:   chaos.Config{Servers: 3, Clients: 5},
		Model:      &models.KvModel,
		ModelName:  models.KvModelName,
		Invariants: "log agreement in the controller and every group, one group per shard per config",
		Setup: func(fs *flag.FlagSet) chaos.Start {
			groups := chaos.IntFlag(fs, "groups", 3, 1, "number of replica groups")
			keys := chaos.IntFlag(fs, "keys", 10, 1, "number of keys the clients share (key i is on shard i mod 10)")
			maxraftstate := chaos.IntFlag(fs, "maxraftstate", 1000, -1, "snapshot when Raft's state reaches this many bytes; -1: never")
			every := fs.Duration("admin-every", 700*time.Millisecond, "mean pause between the administrator's actions")
			unreliable := fs.Bool("unreliable", false, "start with an unreliable network (drops and delays)")
			return func(t *testing.T, cfg chaos.Config) chaos.Service {
				return start(t, cfg, settings{groups: *groups, keys: *keys, maxraftstate: *maxraftstate, every: *every, unreliable: *unreliable})
			}
		},
	})
}

type settings struct {
	groups, keys, maxraftstate int
	every                      time.Duration
	unreliable                 bool
}

// deployment is the running service and its checkers.
type deployment struct {
	ctrl      *labtest.Cluster[*shardctrler.ShardCtrler]
	groups    []*labtest.Cluster[*shardkv.ShardKV]
	ctrlAgree *labtest.Agreement[string]
	agree     []*labtest.Agreement[string]
	owners    *shardkvtest.Owners

	// calm is a token: the administrator holds it through a group-level
	// fault (a group crashed, the controller cut off) and the liveness
	// probe through its check, so that no such fault strikes after the
	// cluster healed, while the run asks to be served.
	calm chan struct{}

	mu    sync.Mutex
	stats map[string]int // administrator's actions by kind
}

func start(t *testing.T, cfg chaos.Config, s settings) chaos.Service {
	d := &deployment{ctrlAgree: labtest.NewAgreement[string](nil), owners: shardkvtest.NewOwners(), stats: map[string]int{},
		calm: make(chan struct{}, 1)}
	d.ctrl = labtest.NewCluster(t, 3, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*shardctrler.ShardCtrler, []any) {
		sc := shardctrler.StartServerObserved(ends, me, p, rsm.CheckWith(d.ctrlAgree, me))
		return sc, []any{sc, sc.Raft()}
	}, labtest.Name("ctrl"))
	d.ctrl.RecordStates(0, func(_ int, sc *shardctrler.ShardCtrler) report.State { return rafttest.State(sc.Raft()) })
	clusters := []chaos.Faultable{d.ctrl}
	for gi := range s.groups {
		gid := firstGID + gi
		agree := labtest.NewAgreement[string](nil)
		d.agree = append(d.agree, agree)
		g := labtest.NewCluster(t, cfg.Servers, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*shardkv.ShardKV, []any) {
			ctrlers := make([]*labrpc.ClientEnd, d.ctrl.N())
			for j := range ctrlers {
				ctrlers[j] = labtest.MakeEndFrom(ends[me], d.ctrl.ServerName(j))
			}
			makeEnd := func(name string) *labrpc.ClientEnd { return labtest.MakeEndFrom(ends[me], name) }
			kv := shardkv.StartServerWithHooks(ends, me, p, s.maxraftstate, gid, ctrlers, makeEnd,
				shardkv.Hooks{Observe: rsm.CheckWith(agree, me), Serve: d.owners.Hook(gid)})
			return kv, []any{kv, kv.Raft()}
		}, labtest.Name(fmt.Sprintf("g%d", gid)))
		g.RecordStates(0, func(_ int, kv *shardkv.ShardKV) report.State { return serverState(kv) })
		d.groups = append(d.groups, g)
		clusters = append(clusters, g)
	}
	d.ctrl.World().Reliable(!s.unreliable)

	admin := shardctrler.MakeClerk(d.ctrl.MakeClient().Ends())
	admin.Join(d.members(0, 1)) // start with two groups (or one)
	go d.administer(t.Context(), admin, d.ctrl.World().Rand(), s.every)

	// A new client (the probe) writes and reads a key on every shard.
	var probe []models.KvInput
	for s := range shardctrler.NShards {
		key := fmt.Sprint(s)
		probe = append(probe, models.KvInput{Op: models.OpAppend, Key: key, Value: "<healed>"}, models.KvInput{Op: models.OpGet, Key: key})
	}
	// Gets (50%), Puts (20%) and Appends; key i lands on shard i mod 10.
	svc := chaos.KV{
		Clerk: func() chaos.KVClerk {
			cl := d.ctrl.MakeClient()
			return shardkv.MakeClerk(cl.Ends(), cl.MakeEnd)
		},
		Key:  func(r *rand.Rand) string { return fmt.Sprint(r.IntN(s.keys)) },
		Gets: 50, Puts: 20,
		Probe: probe,
	}.Service(clusters...)
	svc.Violations, svc.Stats = d.violations, d.statLines
	probeKV := svc.Probe
	svc.Probe = func(ctx context.Context, do func(chaos.Op) (any, bool)) error {
		// Wait for a group fault in progress to be repaired; start none
		// until the check is done.
		select {
		case d.calm <- struct{}{}:
		case <-ctx.Done():
			return errors.New("a group-level fault was not repaired within the liveness bound")
		}
		defer func() { <-d.calm }()
		return probeKV(ctx, do)
	}
	return svc
}

// serverState is a group server's state as the run report's lane shows
// it: its Raft peer's role, term and indices, and the config it applied
// with the shards its group owns under it.
func serverState(kv *shardkv.ShardKV) report.State {
	st := rafttest.State(kv.Raft())
	num, owned := kv.Ownership()
	st.Note = fmt.Sprintf("config %d, shards %v owned", num, owned)
	return st
}

// members returns the gid -> servers map of groups gis (those that exist).
func (d *deployment) members(gis ...int) map[int][]string {
	m := map[int][]string{}
	for _, gi := range gis {
		if gi < len(d.groups) {
			g := d.groups[gi]
			for i := range g.N() {
				m[firstGID+gi] = append(m[firstGID+gi], g.ServerName(i))
			}
		}
	}
	return m
}

// administer reconfigures and applies group-level faults until ctx ends:
// a join of a group that is out, a leave of one that is in (one always
// stays), a move of a shard, a whole group crashed for up to 1.5 s, or
// the controller cut off from everyone for up to 1.5 s (none while the
// liveness probe checks the healed cluster: see groupFault).
func (d *deployment) administer(ctx context.Context, admin *shardctrler.Clerk, r *rand.Rand, every time.Duration) {
	context.AfterFunc(ctx, admin.Close)
	sleep := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	for sleep(time.Duration(r.Int64N(int64(2 * every)))) {
		cfg := admin.Query(-1)
		if admin.Closed() {
			return
		}
		var in, out []int
		for gi := range d.groups {
			if _, ok := cfg.Groups[firstGID+gi]; ok {
				in = append(in, gi)
			} else {
				out = append(out, gi)
			}
		}
		switch p := r.IntN(12); {
		case p < 3 && len(out) > 0:
			admin.Join(d.members(out[r.IntN(len(out))]))
			d.count("join")
		case p < 6 && len(in) > 1:
			admin.Leave([]int{firstGID + in[r.IntN(len(in))]})
			d.count("leave")
		case p < 8 && len(in) > 0:
			admin.Move(r.IntN(shardctrler.NShards), firstGID+in[r.IntN(len(in))])
			d.count("move")
		case p < 10:
			g := d.groups[r.IntN(len(d.groups))]
			if !d.groupFault(ctx, r, "group crash", func(up bool) {
				for i := range g.N() {
					if up {
						g.Restart(i)
					} else {
						g.Crash(i)
					}
				}
			}) {
				return
			}
		default:
			if !d.groupFault(ctx, r, "ctrl cut off", func(up bool) {
				for i := range d.ctrl.N() {
					if up {
						d.ctrl.Connect(i)
					} else {
						d.ctrl.Disconnect(i)
					}
				}
			}) {
				return
			}
		}
	}
}

// groupFault applies a group-level fault (set(false)) and repairs it
// (set(true)) 0.3-1.5 s later, unless the liveness probe is running, in
// which case it skips it. It returns false if ctx ended meanwhile.
func (d *deployment) groupFault(ctx context.Context, r *rand.Rand, kind string, set func(up bool)) bool {
	select {
	case d.calm <- struct{}{}:
	default:
		return true // the probe is checking that the healed cluster serves
	}
	defer func() { <-d.calm }()
	set(false)
	d.count(kind)
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Duration(300+r.IntN(1200)) * time.Millisecond):
	}
	set(true)
	return true
}

func (d *deployment) count(kind string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats[kind]++
}

func (d *deployment) violations() []string {
	var v []string
	for _, s := range d.ctrlAgree.Violations() {
		v = append(v, "controller log: "+s)
	}
	for gi, a := range d.agree {
		for _, s := range a.Violations() {
			v = append(v, fmt.Sprintf("group %d log: %s", firstGID+gi, s))
		}
	}
	return append(v, d.owners.Violations()...)
}

func (d *deployment) statLines() []chaos.Stat {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []chaos.Stat
	for _, k := range []string{"join", "leave", "move", "group crash", "ctrl cut off"} {
		out = append(out, chaos.Stat{Name: k, Value: fmt.Sprint(d.stats[k])})
	}
	return out
}
