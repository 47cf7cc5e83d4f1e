package shardkv

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
	"distlab/porcupine/models"
	"distlab/rsm"
	"distlab/shardkv/shardctrler"
	"distlab/shardkv/shardkvtest"
)

// world is a shardkv deployment on labtest's network: a controller cluster
// and replica groups (gids 100, 101, ...), with recording clerks and two
// checks on every test: porcupine over the history (per key) and that no
// shard is served by two groups under one config.
type world struct {
	t            *testing.T
	w            *labtest.World
	h            *labtest.History
	ctrl         *labtest.Cluster[*shardctrler.ShardCtrler]
	groups       []*labtest.Cluster[*ShardKV]
	gids         []int
	maxraftstate int
	rng          *rand.Rand // the test goroutine's choices, from the seed
	admin        *shardctrler.Clerk
	ctrlAgree    *labtest.Agreement[string]   // the controller's log
	agree        []*labtest.Agreement[string] // each group's log
	clerks       []*Clerk

	// onMove, if set before the groups start, sees every replica's
	// handoffs and installs (benchmarks).
	onMove func(gid int, kind string, tag, shard int, payload any)

	owners *shardkvtest.Owners // one group per shard per config

	mu sync.Mutex // guards clerks
}

const firstGID = 100

// newWorld starts a 3-server controller and ngroups groups of n servers.
func newWorld(t *testing.T, ngroups, n int, unreliable bool, maxraftstate int) *world {
	return newWorldWith(t, ngroups, n, unreliable, maxraftstate, nil)
}

// newWorldWith is newWorld with a hook on shard moves.
func newWorldWith(t *testing.T, ngroups, n int, unreliable bool, maxraftstate int,
	onMove func(gid int, kind string, tag, shard int, payload any)) *world {
	w := labtest.WorldOf(t)
	d := &world{t: t, w: w, h: w.History(), maxraftstate: maxraftstate, owners: shardkvtest.NewOwners(), onMove: onMove,
		ctrlAgree: labtest.NewAgreement[string](nil), rng: w.Rand()}
	d.h.SetModel("kv", models.KvModel)
	d.ctrl = labtest.NewCluster(t, 3, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*shardctrler.ShardCtrler, []any) {
		sc := shardctrler.StartServerObserved(ends, me, p, rsm.CheckWith(d.ctrlAgree, me))
		return sc, []any{sc, sc.Raft()}
	}, labtest.Name("ctrl"))
	for gi := range ngroups {
		gid := firstGID + gi
		d.gids = append(d.gids, gid)
		d.agree = append(d.agree, labtest.NewAgreement[string](nil))
		d.groups = append(d.groups, labtest.NewCluster(t, n, d.startFunc(gid), labtest.Name(fmt.Sprintf("g%d", gid))))
	}
	d.admin = shardctrler.MakeClerk(d.ctrl.MakeClient().Ends())
	w.Reliable(!unreliable)
	t.Cleanup(func() {
		for _, ck := range d.clerks {
			ck.Close()
		}
		d.admin.Close()
	})
	return d
}

func (d *world) startFunc(gid int) labtest.StartFunc[*ShardKV] {
	agree := d.agree[gid-firstGID]
	return func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*ShardKV, []any) {
		ctrlers := make([]*labrpc.ClientEnd, d.ctrl.N())
		for j := range ctrlers {
			ctrlers[j] = labtest.MakeEndFrom(ends[me], d.ctrl.ServerName(j))
		}
		makeEnd := func(name string) *labrpc.ClientEnd { return labtest.MakeEndFrom(ends[me], name) }
		kv := startServer(ends, me, p, d.maxraftstate, gid, ctrlers, makeEnd,
			options{Hooks: Hooks{Observe: rsm.CheckWith(agree, me),
				Serve: d.owners.Hook(gid)},
				onMove: func(kind string, tag, shard int, payload any) {
					if d.onMove != nil {
						d.onMove(gid, kind, tag, shard, payload)
					}
				}})
		return kv, []any{kv, kv.rf}
	}
}

func (d *world) names(gi int) []string {
	g := d.groups[gi]
	names := make([]string, g.N())
	for i := range names {
		names[i] = g.ServerName(i)
	}
	return names
}

func (d *world) join(gis ...int) {
	m := map[int][]string{}
	for _, gi := range gis {
		m[d.gids[gi]] = d.names(gi)
	}
	d.admin.Join(m)
}

func (d *world) leave(gis ...int) {
	var gids []int
	for _, gi := range gis {
		gids = append(gids, d.gids[gi])
	}
	d.admin.Leave(gids)
}

func (d *world) shutdownGroup(gi int) {
	for i := range d.groups[gi].N() {
		d.groups[gi].Crash(i)
	}
}

func (d *world) startGroup(gi int) {
	for i := range d.groups[gi].N() {
		d.groups[gi].Restart(i)
	}
}

// recClerk is a Clerk whose operations go into the history.
type recClerk struct {
	d  *world
	cl *labtest.Client
	ck *Clerk
}

func (d *world) clerk() *recClerk {
	cl := d.ctrl.MakeClient()
	ck := MakeClerk(cl.Ends(), cl.MakeEnd)
	d.mu.Lock()
	d.clerks = append(d.clerks, ck)
	d.mu.Unlock()
	return &recClerk{d: d, cl: cl, ck: ck}
}

func (rc *recClerk) Get(key string) string {
	return labtest.Record(rc.d.h, rc.cl.ID(), models.KvInput{Op: models.OpGet, Key: key},
		func() models.KvOutput { return models.KvOutput{Value: rc.ck.Get(key)} }).Value
}

func (rc *recClerk) Put(key, value string) {
	labtest.Record(rc.d.h, rc.cl.ID(), models.KvInput{Op: models.OpPut, Key: key, Value: value},
		func() models.KvOutput { rc.ck.Put(key, value); return models.KvOutput{} })
}

func (rc *recClerk) Append(key, value string) {
	labtest.Record(rc.d.h, rc.cl.ID(), models.KvInput{Op: models.OpAppend, Key: key, Value: value},
		func() models.KvOutput { rc.ck.Append(key, value); return models.KvOutput{} })
}

// check fails the test unless key holds value.
func (rc *recClerk) check(key, value string) {
	rc.d.t.Helper()
	if got := rc.Get(key); got != value {
		rc.d.t.Fatalf("Get(%q) = %q, want %q", key, short(got), short(value))
	}
}

// finish runs the checks every test ends with: every group's replicas and
// the controller's agreed on their logs, no shard served by two groups
// under one config, the persisted sizes within maxraftstate, and the
// history linearizable.
func (d *world) finish() {
	d.t.Helper()
	for _, v := range d.ctrlAgree.Violations() {
		d.t.Errorf("controller log: %s", v)
	}
	for gi, a := range d.agree {
		for _, v := range a.Violations() {
			d.t.Errorf("group %d log: %s", d.gids[gi], v)
		}
	}
	if n, _ := d.ctrlAgree.Applied(1); n == 0 {
		d.t.Errorf("no controller replica reported applying index 1: the agreement check saw nothing")
	}
	for _, v := range d.owners.Violations() {
		d.t.Errorf("%s", v)
	}
	d.checkLogs()
	d.h.Check(models.KvModel, 0)
	if d.t.Failed() {
		d.t.FailNow()
	}
}

// checkLogs is the classic size check: with maxraftstate >= 0 no server's
// Raft state exceeds 8 x maxraftstate (for maxraftstate >= 100); with -1
// no server has a snapshot.
func (d *world) checkLogs() {
	d.t.Helper()
	time.Sleep(time.Second) // let followers apply (and snapshot) their tails
	for gi, g := range d.groups {
		for i := range g.N() {
			rs, ss := g.Persister(i).RaftStateSize(), g.Persister(i).SnapshotSize()
			// Below ~100 bytes the bound is Raft's own fixed state
			// (term, vote, snapshot index), not the log.
			if d.maxraftstate >= 100 && rs > 8*d.maxraftstate {
				d.t.Errorf("group %d server %d: raft state %d bytes > 8 x maxraftstate %d", d.gids[gi], i, rs, d.maxraftstate)
			}
			if d.maxraftstate < 0 && ss > 0 {
				d.t.Errorf("group %d server %d: a %d-byte snapshot although maxraftstate is -1", d.gids[gi], i, ss)
			}
		}
	}
}

// storedBytes is the total of Raft state and snapshot over every group
// server's Persister (challenge 1).
func (d *world) storedBytes() int {
	total := 0
	for _, g := range d.groups {
		for i := range g.N() {
			total += g.Persister(i).RaftStateSize() + g.Persister(i).SnapshotSize()
		}
	}
	return total
}

func short(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:35] + " ... " + s[len(s)-35:] + fmt.Sprintf(" (%d bytes)", len(s))
}
