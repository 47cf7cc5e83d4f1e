package labtest

import (
	"testing"

	"distlab/labrpc"
	"distlab/persister"
)

// A Killer is a server that can be crashed: Kill must make every goroutine
// of the server end (soon), and the server must not use its ends or its
// Persister afterwards. raft.Raft, kvraft.KVServer and the other labs'
// servers all have one.
type Killer interface {
	Kill()
}

// A StartFunc starts server me of a cluster, as the classic Make does: ends
// are its ClientEnds to every server of the cluster (ends[me] is an end to
// itself, whose Rand seeds the server's randomness), and p is its Persister,
// holding what its previous incarnation saved. It returns the server and
// the objects whose exported methods are its RPC handlers (each becomes a
// labrpc service named after its type). For raft:
//
//	func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*raft.Raft, []any) {
//		rf := raft.Make(ends, me, p, applyCh)
//		return rf, []any{rf}
//	}
//
// A service built on raft returns both, e.g. []any{kv, kv.rf}, which a
// StartFunc written in the lab's own package can reach.
type StartFunc[S Killer] func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (S, []any)

// An Option configures NewCluster.
type Option func(*clusterOptions)

type clusterOptions struct {
	name string
}

// Name names a cluster (default "server"). Its servers are named
// "<name>-0", "<name>-1", ... on the network and in schedules; give each
// cluster of a test its own name.
func Name(name string) Option { return func(o *clusterOptions) { o.name = name } }

// A Cluster is n servers of one service on the test's network, started by a
// StartFunc, with the faults a test applies to them: crashes and restarts,
// disconnections, partitions, one-way cuts, and every other kind of Event
// (Inject). Every fault is recorded in the test's failure schedule. Clients
// (MakeClient) call the servers through ends of their own.
//
// A Cluster is a typed view on the cluster's servers, which the World owns
// with their faults. Servers of a cluster reach each other through ends
// made afresh for every incarnation, so a crashed server can never talk to
// its successor. A Cluster is safe for concurrent use (a nemesis and the
// test may both apply faults); crashes and restarts of one server are
// serialised.
type Cluster[S Killer] struct {
	g *group
}

// NewCluster starts n servers with start, connected to each other, on the
// network of t's World, and arranges for them to be killed when the test
// ends. In a test with several clusters, give each a Name.
func NewCluster[S Killer](t *testing.T, n int, start StartFunc[S], opts ...Option) *Cluster[S] {
	t.Helper()
	o := clusterOptions{name: "server"}
	for _, opt := range opts {
		opt(&o)
	}
	if n <= 0 {
		t.Fatalf("labtest: NewCluster(%d): a cluster needs at least one server", n)
	}
	if start == nil {
		t.Fatalf("labtest: NewCluster: start function is nil")
	}
	g, err := WorldOf(t).newGroup(t, o.name, n, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (Killer, []any) {
		return start(ends, me, p)
	})
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	t.Cleanup(g.cleanup)
	for i := 0; i < n; i++ {
		g.boot(i)
	}
	return &Cluster[S]{g: g}
}

// N returns the number of servers.
func (c *Cluster[S]) N() int { return c.g.n }

// Name returns the cluster's name.
func (c *Cluster[S]) Name() string { return c.g.name }

// World returns the World the cluster lives in.
func (c *Cluster[S]) World() *World { return c.g.w }

// ServerName returns the network name of server i ("<name>-<i>"), which
// Cluster.MakeEnd and Client.MakeEnd accept, e.g. in shardkv's make_end.
func (c *Cluster[S]) ServerName(i int) string { c.g.check(i); return serverName(c.g.name, i) }

// Server returns the running instance of server i, and false if it is
// crashed.
func (c *Cluster[S]) Server(i int) (S, bool) {
	c.g.check(i)
	c.g.w.mu.Lock()
	defer c.g.w.mu.Unlock()
	s, ok := c.g.servers[i].(S)
	return s, ok && c.g.nodes[i].alive
}

// Alive reports whether server i is running (not crashed).
func (c *Cluster[S]) Alive(i int) bool {
	_, ok := c.Server(i)
	return ok
}

// Connected reports whether server i is connected (not Disconnect-ed). A
// crashed server keeps its connection state for when it restarts.
func (c *Cluster[S]) Connected(i int) bool {
	c.g.check(i)
	c.g.w.mu.Lock()
	defer c.g.w.mu.Unlock()
	return c.g.nodes[i].up
}

// Reachable reports whether, as the harness has connected the network
// now, server from's calls can reach server to: both alive and connected,
// on the same side of any partition, and no cut from from to to. (On an
// unreliable network a reachable call may still be lost.)
func (c *Cluster[S]) Reachable(from, to int) bool {
	c.g.check(from)
	c.g.check(to)
	c.g.w.mu.Lock()
	defer c.g.w.mu.Unlock()
	return c.g.w.enabledLocked(&endInfo{from: c.g.nodes[from], to: c.g.nodes[to]})
}

// Persister returns server i's current Persister: the live server's, or
// for a crashed server the copy its successor will start from.
func (c *Cluster[S]) Persister(i int) *persister.Persister {
	c.g.check(i)
	c.g.w.mu.Lock()
	defer c.g.w.mu.Unlock()
	return c.g.persisters[i]
}

// RPCCount returns the number of RPCs server i has received, over all its
// incarnations.
func (c *Cluster[S]) RPCCount(i int) int { return c.g.w.net.GetCount(c.ServerName(i)) }

// MakeEnd returns a fresh end from server i's current incarnation to the
// server named serverName (of this or another cluster; see ServerName).
// It follows i's fate: disabled when i crashes or is disconnected. Inside a
// StartFunc use MakeEndFrom(ends[me], name), which works before NewCluster
// has returned.
func (c *Cluster[S]) MakeEnd(i int, serverName string) *labrpc.ClientEnd {
	c.g.check(i)
	c.g.w.mu.Lock()
	defer c.g.w.mu.Unlock()
	return c.g.w.makeEndLocked(c.g.nodes[i], serverName)
}

// Inject applies one fault (or repair) of any kind to the cluster now, as
// the test's own, and records it: e.Kind and the arguments its kind uses
// (see Schedule); e.At, e.By and e.Cluster are ignored. It panics on an
// event that is not valid for the cluster. Crash, Partition and the others
// below are shorthands for the common kinds:
//
//	c.Inject(labtest.Event{Kind: labtest.KindSlow, From: 0, To: 1, Mean: 200 * time.Millisecond, For: 2 * time.Second})
func (c *Cluster[S]) Inject(e Event) { c.g.do(e, ByTest) }

// Crash kills server i: its ends are disabled for good, it is removed from
// the network (calls in flight to it fail), and Kill is called. Its
// Persister is kept: a copy, so that nothing the dying instance still
// writes reaches its successor. Crashing a crashed server does nothing.
func (c *Cluster[S]) Crash(i int) { c.Inject(Event{Kind: KindCrash, Server: i}) }

// Restart starts a new incarnation of server i from a copy of its
// Persister, with fresh ends; a running server is crashed first. Its
// connection state (Connect/Disconnect, its partition side) is unchanged:
// a server that was connected when it crashed comes back connected.
func (c *Cluster[S]) Restart(i int) { c.Inject(Event{Kind: KindRestart, Server: i}) }

// Disconnect cuts server i off from every other server and client; calls to
// and from it fail. It keeps running.
func (c *Cluster[S]) Disconnect(i int) { c.Inject(Event{Kind: KindDisconnect, Server: i}) }

// Connect undoes Disconnect.
func (c *Cluster[S]) Connect(i int) { c.Inject(Event{Kind: KindConnect, Server: i}) }

// Partition splits the cluster: servers in the same group reach each
// other, servers in different groups do not. A server in no group is
// isolated from all others. Partition replaces any earlier partition;
// clients and other clusters are not affected (see Client.ConnectOnly to
// put a client on one side). Connect/Disconnect and cuts still apply.
//
//	c.Partition([]int{0, 1}, []int{2, 3, 4})
func (c *Cluster[S]) Partition(groups ...[]int) {
	if groups == nil {
		groups = [][]int{}
	}
	c.Inject(Event{Kind: KindPartition, Groups: groups})
}

// Cut makes a one-way fault: server from's calls to server to are lost
// (as on a disabled end), while to's calls to from, and their replies,
// still go through. Heal removes it.
func (c *Cluster[S]) Cut(from, to int) { c.Inject(Event{Kind: KindCut, From: from, To: to}) }

// Heal restores full connectivity among the cluster's servers: no
// partition, no cuts or link faults from or to them, every server
// connected. Crashed servers stay crashed (Restart them), and a paused
// server stays paused until its pause ends.
func (c *Cluster[S]) Heal() { c.Inject(Event{Kind: KindHeal}) }
