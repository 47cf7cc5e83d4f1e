package shardctrler

import (
	"encoding/json"
	"fmt"
	"testing"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
	"distlab/porcupine"
	"distlab/rsm"
)

// cluster is a controller group on labtest's network whose clerks record
// their operations in the test's history (adminModel), and whose replicas
// report what they apply to a log-agreement checker.
type cluster struct {
	*labtest.Cluster[*ShardCtrler]
	t     *testing.T
	h     *labtest.History
	agree *labtest.Agreement[string]
}

func newCluster(t *testing.T, n int, unreliable bool) *cluster {
	w := labtest.WorldOf(t)
	c := &cluster{t: t, h: w.History(), agree: labtest.NewAgreement[string](nil)}
	c.Cluster = labtest.NewCluster(t, n, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*ShardCtrler, []any) {
		sc := StartServerObserved(ends, me, p, rsm.CheckWith(c.agree, me))
		return sc, []any{sc, sc.rf}
	})
	w.Reliable(!unreliable)
	c.h.SetModel("shardctrler", adminModel)
	return c
}

// recClerk is a Clerk whose operations go into the history.
type recClerk struct {
	c  *cluster
	cl *labtest.Client
	*Clerk
}

func (c *cluster) clerk() *recClerk {
	cl := c.MakeClient()
	return &recClerk{c: c, cl: cl, Clerk: MakeClerk(cl.Ends())}
}

// adminInput is an operation as adminModel sees it: a change (Join adds
// groups, Leave removes them, Move keeps them) makes one new config; a
// Query of the latest config observes its number and its groups.
type adminInput struct {
	Change bool
	Join   []int
	Leave  []int
	What   string
}

type adminOutput struct {
	Num  int
	GIDs string // the latest config's gids, sorted
}

// adminState is the latest config as far as the model tracks it.
type adminState struct {
	num  int
	gids string
}

// adminModel checks that Query(-1) is linearizable with the changes: every
// change makes exactly one new config, and a Query returns the latest
// config at some instant between its call and return. Tracking the groups
// (not only the count) pins down which changes a Query has seen, which
// keeps the check fast when many clients change the config at once.
var adminModel = porcupine.Model{
	Init: func() any { return adminState{gids: "[]"} },
	Step: func(state, in, out any) (bool, any) {
		st, i := state.(adminState), in.(adminInput)
		if !i.Change {
			o := out.(adminOutput)
			return o.Num == st.num && o.GIDs == st.gids, st
		}
		var gids []int
		if err := json.Unmarshal([]byte(st.gids), &gids); err != nil {
			panic(err)
		}
		set := map[int][]string{}
		for _, g := range append(gids, i.Join...) {
			set[g] = nil
		}
		for _, g := range i.Leave {
			delete(set, g)
		}
		return true, adminState{num: st.num + 1, gids: gidsKey(set)}
	},
	DescribeOperation: func(in, out any) string {
		if i := in.(adminInput); i.Change {
			return i.What
		}
		o := out.(adminOutput)
		return fmt.Sprintf("Query(-1) -> config %d, groups %s", o.Num, o.GIDs)
	},
}

// gidsKey is the sorted gids of groups as JSON ("[1,2]").
func gidsKey(groups map[int][]string) string {
	b, err := json.Marshal(sortedGIDs(groups))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (rc *recClerk) change(in adminInput, f func()) {
	in.Change = true
	labtest.Record(rc.c.h, rc.cl.ID(), in, func() adminOutput { f(); return adminOutput{} })
}

func (rc *recClerk) Join(servers map[int][]string) {
	rc.change(adminInput{Join: sortedGIDs(servers), What: fmt.Sprintf("Join(%v)", sortedGIDs(servers))}, func() { rc.Clerk.Join(servers) })
}

func (rc *recClerk) Leave(gids []int) {
	rc.change(adminInput{Leave: gids, What: fmt.Sprintf("Leave(%v)", gids)}, func() { rc.Clerk.Leave(gids) })
}

// Move records a Move; the caller makes sure gid is a group.
func (rc *recClerk) Move(shard, gid int) {
	rc.change(adminInput{What: fmt.Sprintf("Move(%d, %d)", shard, gid)}, func() { rc.Clerk.Move(shard, gid) })
}

func (rc *recClerk) Query(num int) Config {
	if num != -1 {
		return rc.Clerk.Query(num)
	}
	var c Config
	labtest.Record(rc.c.h, rc.cl.ID(), adminInput{}, func() adminOutput {
		c = rc.Clerk.Query(-1)
		return adminOutput{Num: c.Num, GIDs: gidsKey(c.Groups)}
	})
	return c
}

// checkLinearizable checks the history, and that the replicas agreed on
// their log all along.
func (c *cluster) checkLinearizable() {
	c.t.Helper()
	for _, v := range c.agree.Violations() {
		c.t.Errorf("controller log: %s", v)
	}
	if n, _ := c.agree.Applied(1); n == 0 {
		c.t.Errorf("no controller replica reported applying index 1: the agreement check saw nothing")
	}
	c.h.Check(adminModel, 0)
	if c.t.Failed() {
		c.t.FailNow()
	}
}
