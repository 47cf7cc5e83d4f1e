package labtest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/persister"
)

// A group is one cluster's servers as the World owns them, whatever their
// type: their nodes on the network, the running instances and their
// Persisters, and the fault primitives that the table of fault kinds
// applies. Cluster[S] is a typed view on a group; a Nemesis works on one.
//
// Crashes and restarts of one server are serialised by its token in busy;
// everything else is guarded by w.mu.
type group struct {
	w     *World
	t     *testing.T
	name  string
	n     int
	start func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (Killer, []any)

	// guarded by w.mu
	nodes      []*node
	servers    []Killer // nil while crashed
	persisters []*persister.Persister
	nemeses    []*Nemesis
	closed     bool

	// one token per server: held while it crashes or restarts, so that
	// those never interleave. A channel, not a mutex, so that waiting is
	// durable in a bubble.
	busy []chan struct{}
}

// newGroup registers a group of n servers named name in w.
func (w *World) newGroup(t *testing.T, name string, n int, start func([]*labrpc.ClientEnd, int, *persister.Persister) (Killer, []any)) (*group, error) {
	g := &group{w: w, t: t, name: name, n: n, start: start,
		servers: make([]Killer, n), persisters: make([]*persister.Persister, n), busy: make([]chan struct{}, n)}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, dup := w.groups[name]; dup {
		return nil, fmt.Errorf("two clusters named %q in one test; give each a different labtest.Name", name)
	}
	w.groups[name] = g
	w.clusters = append(w.clusters, name)
	for i := 0; i < n; i++ {
		nd := &node{name: serverName(name, i), cluster: name, index: i, up: true, incarnation: -1}
		g.nodes = append(g.nodes, nd)
		w.addNodeLocked(nd)
		g.persisters[i] = persister.MakePersister()
		g.busy[i] = make(chan struct{}, 1)
	}
	return g, nil
}

func (g *group) check(i int) {
	if i < 0 || i >= g.n {
		panic(fmt.Sprintf("labtest: server %d out of range: cluster %q has servers 0..%d", i, g.name, g.n-1))
	}
}

func (g *group) lock(i int)   { g.busy[i] <- struct{}{} }
func (g *group) unlock(i int) { <-g.busy[i] }

// do applies e (a fault of any kind) to the group, as applied by by.
func (g *group) do(e Event, by string) {
	e.Cluster = g.name
	if err := e.validate(map[string]int{g.name: g.n}); err != nil {
		panic(fmt.Sprintf("labtest: %v: %v", e, err))
	}
	kindsByName[e.Kind].apply(g, e, by)
}

// record appends e, as applied by by now, to the schedule. Caller holds w.mu.
func (g *group) recordLocked(by string, e Event) {
	e.Cluster = g.name
	g.w.recordLocked(by, e)
}

// crash kills server i: its ends are disabled for good, it leaves the
// network, and Kill is called; its Persister is kept as a copy. It reports
// false, recording nothing, if i was crashed already.
func (g *group) crash(i int, by string) bool {
	g.lock(i)
	defer g.unlock(i)
	w := g.w
	w.mu.Lock()
	nd := g.nodes[i]
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
	srv := g.servers[i]
	g.persisters[i] = g.persisters[i].Copy()
	g.servers[i] = nil
	delete(w.paused, nd.name)
	g.recordLocked(by, Event{Kind: KindCrash, Server: i})
	w.mu.Unlock()
	srv.Kill()
	return true
}

// restart starts a new incarnation of a crashed server i; it reports false,
// recording nothing, if i runs or the cluster is closed.
func (g *group) restart(i int, by string) bool {
	g.lock(i)
	defer g.unlock(i)
	w := g.w
	w.mu.Lock()
	if g.nodes[i].alive || g.closed {
		w.mu.Unlock()
		return false
	}
	g.recordLocked(by, Event{Kind: KindRestart, Server: i})
	w.mu.Unlock()
	g.bootLocked(i)
	return true
}

// boot starts server i for the first time.
func (g *group) boot(i int) {
	g.lock(i)
	defer g.unlock(i)
	g.bootLocked(i)
}

// bootLocked starts a new incarnation of server i. The caller holds i's
// token, not w.mu: the start function may take time.
func (g *group) bootLocked(i int) {
	w := g.w
	w.mu.Lock()
	nd := g.nodes[i]
	nd.incarnation++
	nd.alive = true
	p := g.persisters[i].Copy()
	g.persisters[i] = p
	ends := make([]*labrpc.ClientEnd, g.n)
	for j := range ends {
		ends[j] = w.makeEndLocked(nd, serverName(g.name, j))
	}
	w.refreshLocked()
	w.mu.Unlock()

	srv, services := g.start(ends, i, p)
	rs := labrpc.MakeServer()
	for _, svc := range services {
		rs.AddService(labrpc.MakeService(svc))
	}

	w.mu.Lock()
	g.servers[i] = srv
	w.net.AddServer(nd.name, rs)
	w.mu.Unlock()
}

// setUp connects (up) or disconnects server i.
func (g *group) setUp(i int, up bool, by string) {
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	g.nodes[i].up = up
	w.refreshLocked()
	kind := KindConnect
	if !up {
		kind = KindDisconnect
	}
	g.recordLocked(by, Event{Kind: kind, Server: i})
}

// partition puts the servers of each of groups on a side of their own; a
// server in no group is alone.
func (g *group) partition(groups [][]int, by string) {
	side := make([]int, g.n)
	for i := range side {
		side[i] = -1
	}
	for k, grp := range groups {
		for _, i := range grp {
			side[i] = k
		}
	}
	next := len(groups)
	for i := range side {
		if side[i] < 0 {
			side[i] = next
			next++
		}
	}
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, nd := range g.nodes {
		nd.group = side[i]
	}
	w.refreshLocked()
	cp := make([][]int, len(groups))
	for k := range groups {
		cp[k] = slices.Clone(groups[k])
	}
	g.recordLocked(by, Event{Kind: KindPartition, Groups: cp})
}

// cut loses from's calls to to.
func (g *group) cut(from, to int, by string) {
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cuts[[2]string{g.nodes[from].name, g.nodes[to].name}] = true
	w.refreshLocked()
	g.recordLocked(by, Event{Kind: KindCut, From: from, To: to})
}

// heal removes every fault of a kind with a heal from the group.
func (g *group) heal(by string) {
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, k := range kinds {
		if k.heal != nil {
			k.heal(g)
		}
	}
	w.refreshLocked()
	g.recordLocked(by, Event{Kind: KindHeal})
}

// setLink records e, a fault of one link (slow, lossy, duplicate) for
// e.For, and applies it: set changes the link's fault model.
func (g *group) setLink(e Event, by string, set func(*labrpc.Faults)) {
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	key := [2]string{g.nodes[e.From].name, g.nodes[e.To].name}
	l := w.links[key]
	if l == nil {
		l = &linkFault{until: map[string]time.Duration{}, set: map[string]func(*labrpc.Faults){}}
		w.links[key] = l
	}
	l.until[e.Kind] = w.Now() + e.For
	l.set[e.Kind] = set
	w.applyLinkLocked(key)
	w.afterLocked(e.For, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.applyLinkLocked(key)
	})
	g.recordLocked(by, e)
}

// pause holds server i's messages in and out for d (see KindPause).
func (g *group) pause(i int, d time.Duration, by string) {
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	name := g.nodes[i].name
	w.paused[name] = max(w.paused[name], w.Now()+d)
	w.observeLocked()
	g.recordLocked(by, Event{Kind: KindPause, Server: i, For: d})
}

// crashed returns the crashed servers.
func (g *group) crashed() []int {
	g.w.mu.Lock()
	defer g.w.mu.Unlock()
	var out []int
	for i, nd := range g.nodes {
		if !nd.alive {
			out = append(out, i)
		}
	}
	return out
}

// cleanup stops the group's nemeses and kills every server, at the end of
// the test.
func (g *group) cleanup() {
	g.w.mu.Lock()
	nem := slices.Clone(g.nemeses)
	g.w.mu.Unlock()
	for _, n := range nem {
		n.halt()
	}
	g.w.mu.Lock()
	g.closed = true
	g.w.mu.Unlock()
	for i := 0; i < g.n; i++ {
		g.lock(i)
		g.w.mu.Lock()
		nd := g.nodes[i]
		srv, alive := g.servers[i], nd.alive
		if alive {
			nd.alive = false
			g.w.refreshLocked()
			g.w.net.DeleteServer(nd.name)
		}
		g.w.mu.Unlock()
		if alive {
			srv.Kill()
		}
		g.unlock(i)
	}
}
