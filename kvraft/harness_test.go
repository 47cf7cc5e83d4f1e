package kvraft

import (
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/labtest/report"
	"distlab/persister"
	"distlab/porcupine/models"
	"distlab/raft/rafttest"
)

// cluster is a kvraft group on labtest's network, with clerks whose
// operations go into the test's history.
type cluster struct {
	*labtest.Cluster[*KVServer]
	t            *testing.T
	w            *labtest.World
	h            *labtest.History
	maxraftstate int
}

// backend is a consensus peer the service can run on.
type backend struct {
	name  string
	start func(servers []*labrpc.ClientEnd, me int, p *persister.Persister, maxraftstate int) *KVServer
}

var backends = []backend{
	{"raft", StartKVServer},
	{"paxos", StartKVServerOnPaxos},
}

// both runs body as a labtest test once per backend, as subtests named
// after it: the whole suite checks the service on Raft and on Paxos.
func both(t *testing.T, body func(t *testing.T, be backend)) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			labtest.Run(t, func(t *testing.T) { body(t, be) })
		})
	}
}

// startServer is the labtest StartFunc of a kvraft server on be.
func startServer(be backend, maxraftstate int) labtest.StartFunc[*KVServer] {
	return func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*KVServer, []any) {
		kv := be.start(ends, me, p, maxraftstate)
		return kv, []any{kv, kv.Consensus()}
	}
}

// newCluster starts n servers on be; call it inside labtest.Run.
func newCluster(t *testing.T, be backend, n int, unreliable bool, maxraftstate int) *cluster {
	w := labtest.WorldOf(t)
	c := &cluster{Cluster: labtest.NewCluster(t, n, startServer(be, maxraftstate)), t: t, w: w,
		h: w.History(), maxraftstate: maxraftstate}
	c.World().Reliable(!unreliable)
	c.h.SetModel("kv", models.KvModel)
	if be.name == "raft" { // the run report's lanes show Raft's state (Paxos has no roles or terms)
		c.RecordStates(0, func(_ int, kv *KVServer) report.State { return rafttest.State(kv.rf) })
	}
	return c
}

func all(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func (c *cluster) crashAll() {
	for i := range c.N() {
		c.Crash(i)
	}
}

func (c *cluster) restartAll() {
	for i := range c.N() {
		c.Restart(i)
	}
}

// leader returns a server that believes it leads, if any. On Paxos every
// live server may propose: it returns the first.
func (c *cluster) leader() (int, bool) {
	for i := range c.N() {
		if kv, ok := c.Server(i); ok && kv != nil {
			if kv.px != nil {
				return i, true
			}
			if _, isLeader := kv.rf.GetState(); isLeader {
				return i, true
			}
		}
	}
	return 0, false
}

func (c *cluster) raftStateSize(i int) int { return c.Persister(i).RaftStateSize() }

// settle lets a second of the test's clock pass, so that followers learn
// the latest commit index from a heartbeat and apply (and snapshot) the
// entries they hold. Sizes checked at the very instant an operation returns
// would count a follower's not-yet-applied tail, which no snapshot can
// cover yet.
func (c *cluster) settle()                { time.Sleep(time.Second) }
func (c *cluster) snapshotSize(i int) int { return c.Persister(i).SnapshotSize() }

// recClerk is a Clerk whose operations are recorded in the history.
type recClerk struct {
	c  *cluster
	cl *labtest.Client
	ck *Clerk
}

// clerk returns a recording clerk that can reach the servers in to.
func (c *cluster) clerk(to ...int) *recClerk {
	cl := c.MakeClient()
	cl.ConnectOnly(to...)
	return &recClerk{c: c, cl: cl, ck: MakeClerk(cl.Ends())}
}

// connectClerk lets ck reach exactly the servers in to.
func (c *cluster) connectClerk(ck *recClerk, to []int) { ck.cl.ConnectOnly(to...) }

func (rc *recClerk) Get(key string) string {
	return labtest.Record(rc.c.h, rc.cl.ID(), models.KvInput{Op: models.OpGet, Key: key},
		func() models.KvOutput { return models.KvOutput{Value: rc.ck.Get(key)} }).Value
}

func (rc *recClerk) Put(key, value string) {
	labtest.Record(rc.c.h, rc.cl.ID(), models.KvInput{Op: models.OpPut, Key: key, Value: value},
		func() models.KvOutput { rc.ck.Put(key, value); return models.KvOutput{} })
}

func (rc *recClerk) Append(key, value string) {
	labtest.Record(rc.c.h, rc.cl.ID(), models.KvInput{Op: models.OpAppend, Key: key, Value: value},
		func() models.KvOutput { rc.ck.Append(key, value); return models.KvOutput{} })
}

// checkLinearizable checks the whole history with porcupine; on failure
// labtest writes the artefacts (history.html with the faults drawn in).
func (c *cluster) checkLinearizable() {
	c.t.Helper()
	c.h.Check(models.KvModel, 0)
	if c.t.Failed() {
		c.t.FailNow()
	}
}
