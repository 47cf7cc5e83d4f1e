package labtest

import (
	"fmt"
	"slices"
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
// disconnections, partitions, one-way cuts. Every fault is recorded in the
// test's failure schedule. Clients (MakeClient) call the servers through
// ends of their own.
//
// Servers of a cluster reach each other through ends made afresh for every
// incarnation, so a crashed server can never talk to its successor. A
// Cluster is safe for concurrent use (a nemesis and the test may both apply
// faults); crashes and restarts of one server are serialised.
type Cluster[S Killer] struct {
	w     *World
	t     *testing.T
	name  string
	n     int
	start StartFunc[S]

	// guarded by w.mu
	nodes      []*node
	servers    []S
	persisters []*persister.Persister
	rpcServers []*labrpc.Server
	nemeses    []*Nemesis
	closed     bool

	// one token per server: held while it crashes or restarts, so that
	// those never interleave. A channel, not a mutex, so that waiting is
	// durable in a bubble.
	busy []chan struct{}
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
	w := WorldOf(t)
	c := &Cluster[S]{w: w, t: t, name: o.name, n: n, start: start,
		servers: make([]S, n), persisters: make([]*persister.Persister, n),
		rpcServers: make([]*labrpc.Server, n), busy: make([]chan struct{}, n)}
	w.mu.Lock()
	if _, dup := w.sizes[o.name]; dup {
		w.mu.Unlock()
		t.Fatalf("labtest: two clusters named %q in one test; give each a different labtest.Name", o.name)
	}
	w.sizes[o.name] = n
	w.clusters = append(w.clusters, o.name)
	for i := 0; i < n; i++ {
		nd := &node{name: serverName(o.name, i), cluster: o.name, index: i, up: true, incarnation: -1}
		c.nodes = append(c.nodes, nd)
		w.addNodeLocked(nd)
		c.persisters[i] = persister.MakePersister()
		c.busy[i] = make(chan struct{}, 1)
	}
	w.mu.Unlock()
	t.Cleanup(c.cleanup)
	for i := 0; i < n; i++ {
		c.boot(i)
	}
	return c
}

// N returns the number of servers.
func (c *Cluster[S]) N() int { return c.n }

// Name returns the cluster's name.
func (c *Cluster[S]) Name() string { return c.name }

// World returns the World the cluster lives in.
func (c *Cluster[S]) World() *World { return c.w }

// ServerName returns the network name of server i ("<name>-<i>"), which
// Cluster.MakeEnd and Client.MakeEnd accept, e.g. in shardkv's make_end.
func (c *Cluster[S]) ServerName(i int) string { c.check(i); return serverName(c.name, i) }

// ServerNames returns the network names of all servers, in index order.
func (c *Cluster[S]) ServerNames() []string {
	out := make([]string, c.n)
	for i := range out {
		out[i] = serverName(c.name, i)
	}
	return out
}

func (c *Cluster[S]) check(i int) {
	if i < 0 || i >= c.n {
		panic(fmt.Sprintf("labtest: server %d out of range: cluster %q has servers 0..%d", i, c.name, c.n-1))
	}
}

// Server returns the running instance of server i, and false if it is
// crashed.
func (c *Cluster[S]) Server(i int) (S, bool) {
	c.check(i)
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	return c.servers[i], c.nodes[i].alive
}

// Alive reports whether server i is running (not crashed).
func (c *Cluster[S]) Alive(i int) bool {
	_, ok := c.Server(i)
	return ok
}

// Connected reports whether server i is connected (not Disconnect-ed). A
// crashed server keeps its connection state for when it restarts.
func (c *Cluster[S]) Connected(i int) bool {
	c.check(i)
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	return c.nodes[i].up
}

// Reachable reports whether, as the harness has connected the network
// now, server from's calls can reach server to: both alive and connected,
// on the same side of any partition, and no cut from from to to. (On an
// unreliable network a reachable call may still be lost.)
func (c *Cluster[S]) Reachable(from, to int) bool {
	c.check(from)
	c.check(to)
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	return c.w.enabledLocked(&endInfo{from: c.nodes[from], to: c.nodes[to]})
}

// Persister returns server i's current Persister: the live server's, or
// for a crashed server the copy its successor will start from.
func (c *Cluster[S]) Persister(i int) *persister.Persister {
	c.check(i)
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	return c.persisters[i]
}

// RPCCount returns the number of RPCs server i has received, over all its
// incarnations.
func (c *Cluster[S]) RPCCount(i int) int { return c.w.net.GetCount(c.ServerName(i)) }

func (c *Cluster[S]) lock(i int)   { c.busy[i] <- struct{}{} }
func (c *Cluster[S]) unlock(i int) { <-c.busy[i] }

// Crash kills server i: its ends are disabled for good, it is removed from
// the network (calls in flight to it fail), and Kill is called. Its
// Persister is kept: a copy, so that nothing the dying instance still
// writes reaches its successor. Crashing a crashed server does nothing.
func (c *Cluster[S]) Crash(i int) { c.crash(i, ByTest) }

func (c *Cluster[S]) crash(i int, by string) bool {
	c.check(i)
	c.lock(i)
	defer c.unlock(i)
	w := c.w
	w.mu.Lock()
	nd := c.nodes[i]
	if !nd.alive {
		w.mu.Unlock()
		return false
	}
	nd.alive = false
	for _, e := range w.ends {
		if e.from == nd {
			e.dead = true
		}
	}
	w.refreshLocked()
	w.net.DeleteServer(nd.name)
	srv := c.servers[i]
	c.persisters[i] = c.persisters[i].Copy()
	var zero S
	c.servers[i] = zero
	c.rpcServers[i] = nil
	w.recordLocked(by, Event{Kind: KindCrash, Cluster: c.name, Server: i})
	w.mu.Unlock()
	srv.Kill()
	return true
}

// Restart starts a new incarnation of server i from a copy of its
// Persister, with fresh ends; a running server is crashed first. Its
// connection state (Connect/Disconnect, its partition side) is unchanged:
// a server that was connected when it crashed comes back connected.
func (c *Cluster[S]) Restart(i int) {
	c.check(i)
	c.crash(i, ByTest)
	c.restart(i, ByTest)
}

func (c *Cluster[S]) restart(i int, by string) bool {
	c.lock(i)
	defer c.unlock(i)
	w := c.w
	w.mu.Lock()
	if c.nodes[i].alive || c.closed {
		w.mu.Unlock()
		return false
	}
	w.recordLocked(by, Event{Kind: KindRestart, Cluster: c.name, Server: i})
	w.mu.Unlock()
	c.bootLocked(i)
	return true
}

// boot starts server i for the first time.
func (c *Cluster[S]) boot(i int) {
	c.lock(i)
	defer c.unlock(i)
	c.bootLocked(i)
}

// bootLocked starts a new incarnation of server i. The caller holds i's
// token, not w.mu: the StartFunc may take time.
func (c *Cluster[S]) bootLocked(i int) {
	w := c.w
	w.mu.Lock()
	nd := c.nodes[i]
	nd.incarnation++
	nd.alive = true
	p := c.persisters[i].Copy()
	c.persisters[i] = p
	ends := make([]*labrpc.ClientEnd, c.n)
	for j := range ends {
		ends[j] = w.makeEndLocked(nd, serverName(c.name, j))
	}
	w.refreshLocked()
	w.mu.Unlock()

	srv, services := c.start(ends, i, p)
	rs := labrpc.MakeServer()
	for _, svc := range services {
		rs.AddService(labrpc.MakeService(svc))
	}

	w.mu.Lock()
	c.servers[i] = srv
	c.rpcServers[i] = rs
	w.net.AddServer(nd.name, rs)
	w.mu.Unlock()
}

// MakeEnd returns a fresh end from server i's current incarnation to the
// server named serverName (of this or another cluster; see ServerName).
// It follows i's fate: disabled when i crashes or is disconnected. Inside a
// StartFunc use MakeEndFrom(ends[me], name), which works before NewCluster
// has returned.
func (c *Cluster[S]) MakeEnd(i int, serverName string) *labrpc.ClientEnd {
	c.check(i)
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	return c.w.makeEndLocked(c.nodes[i], serverName)
}

// Disconnect cuts server i off from every other server and client; calls to
// and from it fail. It keeps running.
func (c *Cluster[S]) Disconnect(i int) { c.setUp(i, false, ByTest) }

// Connect undoes Disconnect.
func (c *Cluster[S]) Connect(i int) { c.setUp(i, true, ByTest) }

func (c *Cluster[S]) setUp(i int, up bool, by string) {
	c.check(i)
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	c.nodes[i].up = up
	w.refreshLocked()
	kind := KindConnect
	if !up {
		kind = KindDisconnect
	}
	w.recordLocked(by, Event{Kind: kind, Cluster: c.name, Server: i})
}

// Partition splits the cluster: servers in the same group reach each
// other, servers in different groups do not. A server in no group is
// isolated from all others. Partition replaces any earlier partition;
// clients and other clusters are not affected (see Client.ConnectOnly to
// put a client on one side). Connect/Disconnect and cuts still apply.
//
//	c.Partition([]int{0, 1}, []int{2, 3, 4})
func (c *Cluster[S]) Partition(groups ...[]int) { c.partition(groups, ByTest) }

func (c *Cluster[S]) partition(groups [][]int, by string) {
	side := make([]int, c.n)
	for i := range side {
		side[i] = -1
	}
	for g, grp := range groups {
		for _, i := range grp {
			c.check(i)
			if side[i] >= 0 {
				panic(fmt.Sprintf("labtest: Partition: server %d is in groups %d and %d", i, side[i], g))
			}
			side[i] = g
		}
	}
	next := len(groups)
	for i := range side {
		if side[i] < 0 {
			side[i] = next
			next++
		}
	}
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, nd := range c.nodes {
		nd.group = side[i]
	}
	w.refreshLocked()
	cp := make([][]int, len(groups))
	for g := range groups {
		cp[g] = slices.Clone(groups[g])
	}
	w.recordLocked(by, Event{Kind: KindPartition, Cluster: c.name, Groups: cp})
}

// Cut makes a one-way fault: server from's calls to server to are lost
// (as on a disabled end), while to's calls to from, and their replies,
// still go through. Heal removes it.
func (c *Cluster[S]) Cut(from, to int) { c.cut(from, to, ByTest) }

func (c *Cluster[S]) cut(from, to int, by string) {
	c.check(from)
	c.check(to)
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cuts[[2]string{c.nodes[from].name, c.nodes[to].name}] = true
	w.refreshLocked()
	w.recordLocked(by, Event{Kind: KindCut, Cluster: c.name, From: from, To: to})
}

// Heal restores full connectivity among the cluster's servers: no
// partition, no cuts from or to them, every server connected. Crashed
// servers stay crashed (Restart them).
func (c *Cluster[S]) Heal() { c.heal(ByTest) }

func (c *Cluster[S]) heal(by string) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, nd := range c.nodes {
		nd.group, nd.up = 0, true
	}
	for k := range w.cuts {
		if w.nodes[k[0]].cluster == c.name || w.nodes[k[1]].cluster == c.name {
			delete(w.cuts, k)
		}
	}
	w.refreshLocked()
	w.recordLocked(by, Event{Kind: KindHeal, Cluster: c.name})
}

// Reliable sets the network's reliability; see World.Reliable.
func (c *Cluster[S]) Reliable(yes bool) { c.w.Reliable(yes) }

// LongReordering sets the network's long reordering; see World.LongReordering.
func (c *Cluster[S]) LongReordering(yes bool) { c.w.LongReordering(yes) }

// LongDelays sets the network's long delays; see World.LongDelays.
func (c *Cluster[S]) LongDelays(yes bool) { c.w.LongDelays(yes) }

// cleanup stops the cluster's nemeses and kills every server, at the end
// of the test.
func (c *Cluster[S]) cleanup() {
	c.w.mu.Lock()
	nem := slices.Clone(c.nemeses)
	c.w.mu.Unlock()
	for _, n := range nem {
		n.halt()
	}
	c.w.mu.Lock()
	c.closed = true
	c.w.mu.Unlock()
	for i := 0; i < c.n; i++ {
		c.lock(i)
		c.w.mu.Lock()
		nd := c.nodes[i]
		srv, alive := c.servers[i], nd.alive
		if alive {
			nd.alive = false
			c.w.refreshLocked()
			c.w.net.DeleteServer(nd.name)
		}
		c.w.mu.Unlock()
		if alive {
			srv.Kill()
		}
		c.unlock(i)
	}
}
