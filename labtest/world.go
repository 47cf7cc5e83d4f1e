package labtest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest/report"
)

// A World is everything one test shares: the simulated network, the seed and
// the random choices drawn from it, the test's clock, the failure schedule
// being recorded, the history of client operations, and every cluster and
// client on the network. Run makes one per test; WorldOf returns it.
//
// Several clusters can live in one World (shardkv: a controller group and
// several replica groups on one network); their servers call one another
// through ends made by Cluster.MakeEnd and Client.MakeEnd.
//
// A World is safe for concurrent use. Its methods never block while holding
// its lock, so they are safe in a virtual-time bubble.
type World struct {
	t         *testing.T // the body's T
	test      string     // t.Name()
	pkg       string     // import path of the test's package
	seed      int64
	net       *labrpc.Network
	start     time.Time // test start on the test's clock
	realStart time.Time // test start on the real clock
	bubble    bool
	outside   *outside // runs functions outside the bubble; nil in real time
	replay    *Schedule
	logs      *ring // captured per-peer log, or nil
	rec       *report.Recorder
	watch     *watchdog
	before    map[uint64]bool // in real time: the goroutines running before the test
	runner    uint64          // in real time: the goroutine that runs the body

	mu        sync.Mutex
	rng       *rand.Rand // harness choices; guarded by mu
	nodes     map[string]*node
	ends      []*endInfo
	cuts      map[[2]string]bool
	links     map[[2]string]*linkFault // link faults, by (from, to) node names
	paused    map[string]time.Duration // paused servers, by node name: until when
	timers    []*time.Timer            // ends of faults that end by themselves
	observer  bool                     // the network's observer is installed (for pauses)
	endNames  map[string]int           // how many ends each "from>to@incarnation" has
	endByName map[string]*endInfo
	clusters  []string          // cluster names in creation order
	groups    map[string]*group // the clusters' servers and faults, by name
	nclients  int
	events    []Event
	history   *History
	modes     netModes
	ended     bool
	virtual   time.Duration // set when the test ends
	// artifactDir is the artefact folder, once WriteArtifacts made it.
	artifactDir string
}

// netModes are the classic network modes, as last set through the World.
type netModes struct {
	unreliable, longReordering, longDelays bool
}

// A node is a server or a client on the network, as the harness sees it.
type node struct {
	name        string // labrpc server name for servers, "client-N" for clients
	cluster     string // "" for clients
	index       int
	client      bool
	alive       bool // not crashed
	up          bool // not disconnected
	group       int  // partition side within its cluster
	incarnation int
	allow       map[string]bool // clients: servers of their cluster they may reach; nil: all
}

// An endInfo is one ClientEnd the harness made, from a node to a server.
type endInfo struct {
	name     string
	end      *labrpc.ClientEnd
	from, to *node
	dead     bool // made by an earlier incarnation of from
	on       bool // last value given to Network.Enable
}

var worlds sync.Map // *testing.T → *World

// endOwners maps each *labrpc.ClientEnd the harness made to its World and
// node, for MakeEndFrom. Entries are removed when the test ends.
var endOwners sync.Map

type endOwner struct {
	w    *World
	from *node
}

// MakeEndFrom returns a fresh end from the node that owns self (a server's
// or client's end made by the harness, e.g. ends[me] in a StartFunc) to the
// server named serverName, of any cluster on the same network. The new end
// follows its owner's fate like the owner's other ends. It panics if self
// was not made by the harness or serverName is unknown.
func MakeEndFrom(self *labrpc.ClientEnd, serverName string) *labrpc.ClientEnd {
	v, ok := endOwners.Load(self)
	if !ok {
		panic("labtest: MakeEndFrom: the end was not made by labtest (pass one of the ends a StartFunc received)")
	}
	o := v.(endOwner)
	o.w.mu.Lock()
	defer o.w.mu.Unlock()
	return o.w.makeEndLocked(o.from, serverName)
}

// WorldOf returns the World of the test t. Inside Run it is the World that
// Run made. Called with a T that Run did not make (a plain test), it makes a
// real-time World for t, cleaned up when t ends.
func WorldOf(t *testing.T) *World {
	if w, ok := worlds.Load(t); ok {
		return w.(*World)
	}
	seed, _, err := seedFromEnv()
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	w := newWorld(t, seed, false)
	w.bind(t)
	t.Cleanup(func() { w.finish(t, nil) })
	return w
}

func newWorld(t *testing.T, seed int64, bubble bool) *World {
	w := &World{
		test:      t.Name(),
		pkg:       testPackage(t.Name()),
		seed:      seed,
		bubble:    bubble,
		rng:       deriveRand(seed, "harness"),
		nodes:     map[string]*node{},
		cuts:      map[[2]string]bool{},
		links:     map[[2]string]*linkFault{},
		paused:    map[string]time.Duration{},
		endNames:  map[string]int{},
		endByName: map[string]*endInfo{},
		groups:    map[string]*group{},
	}
	w.realStart = time.Now()
	return w
}

// bind attaches w to the body's T and starts the test's clock. In a bubble
// it must run inside the bubble, so that the network's timers are virtual.
func (w *World) bind(t *testing.T) {
	w.t = t
	w.start = time.Now()
	w.net = labrpc.MakeNetwork()
	w.net.SetSeed(w.seed)
	if err := w.startRecorder(); err != nil {
		t.Fatalf("labtest: %v", err)
	}
	worlds.Store(t, w)
}

// Seed returns the test's seed: DISTLAB_SEED, the seed of the schedule being
// replayed, or a random seed printed at the end of the test.
func (w *World) Seed() int64 { return w.seed }

// Network returns the test's labrpc network, for what the harness does not
// wrap (per-link latencies, an observer). Faults applied directly to it are
// not recorded in the failure schedule.
func (w *World) Network() *labrpc.Network { return w.net }

// Now returns the time since the test started, on the test's clock (virtual
// in a bubble). Histories and schedules use this clock.
func (w *World) Now() time.Duration { return time.Since(w.start) }

// Rand returns a generator for the test's own random choices, derived from
// the seed: a test that draws from it (and not from the global math/rand)
// makes the same choices under the same seed. Each call returns a new,
// independent generator determined by the seed and the number of earlier
// calls; a *rand.Rand is not safe for concurrent use.
func (w *World) Rand() *rand.Rand {
	w.mu.Lock()
	defer w.mu.Unlock()
	return rand.New(rand.NewPCG(w.rng.Uint64(), w.rng.Uint64()))
}

// setMode sets one network mode (kind, on or off) and records it as applied
// by by (the test, a nemesis or a schedule) for cluster ("" for the test).
func (w *World) setMode(kind string, on bool, by, cluster string) {
	w.mu.Lock()
	switch kind {
	case KindReliable:
		w.modes.unreliable = !on
	case KindLongReordering:
		w.modes.longReordering = on
	case KindLongDelays:
		w.modes.longDelays = on
	}
	w.recordLocked(by, Event{Kind: kind, Cluster: cluster, On: on})
	w.mu.Unlock()
	switch kind {
	case KindReliable:
		w.net.Reliable(on)
	case KindLongReordering:
		w.net.LongReordering(on)
	case KindLongDelays:
		w.net.LongDelays(on)
	}
}

// Reliable sets whether the network is reliable (the default), and records
// the change in the failure schedule. An unreliable network loses 10% of
// requests and 10% of replies and delays requests by up to 27 ms.
func (w *World) Reliable(yes bool) { w.setMode(KindReliable, yes, ByTest, "") }

// LongReordering sets whether about 2/3 of replies are delayed by 200 to
// 2200 ms, and records the change.
func (w *World) LongReordering(yes bool) { w.setMode(KindLongReordering, yes, ByTest, "") }

// LongDelays sets whether a call on a disabled end takes up to 7 s (rather
// than 100 ms) to fail, and records the change.
func (w *World) LongDelays(yes bool) { w.setMode(KindLongDelays, yes, ByTest, "") }

// RPCs returns the number of RPCs sent on the network so far.
func (w *World) RPCs() int { return w.net.GetTotalCount() }

// Bytes returns the number of bytes sent on the network so far (requests
// and replies, gob-encoded).
func (w *World) Bytes() int64 { return w.net.GetTotalBytes() }

// addNode registers a server or client node. Caller holds w.mu.
func (w *World) addNodeLocked(n *node) {
	if _, dup := w.nodes[n.name]; dup {
		panic(fmt.Sprintf("labtest: two nodes named %q in one test; give each cluster its own Name", n.name))
	}
	w.nodes[n.name] = n
}

// makeEndLocked makes a fresh end from node from to the server named to,
// connects it, and enables it as connectivity allows. The name is
// "from>to@incarnation", unique because incarnations only grow and
// deterministic for a given sequence of restarts, so that the end's Rand
// replays under the same seed. Caller holds w.mu.
func (w *World) makeEndLocked(from *node, to string) *labrpc.ClientEnd {
	target, ok := w.nodes[to]
	if !ok {
		panic(fmt.Sprintf("labtest: no server named %q on this network (servers are named by Cluster.ServerName)", to))
	}
	name := fmt.Sprintf("%s>%s@%d", from.name, to, from.incarnation)
	if k := w.endNames[name]; k > 0 {
		name = fmt.Sprintf("%s.%d", name, k+1) // a second end of the same pair
	}
	w.endNames[fmt.Sprintf("%s>%s@%d", from.name, to, from.incarnation)]++
	e := &endInfo{name: name, end: w.net.MakeEnd(name), from: from, to: target}
	w.net.Connect(name, to)
	w.ends = append(w.ends, e)
	w.endByName[name] = e
	endOwners.Store(e.end, endOwner{w: w, from: from})
	e.on = w.enabledLocked(e)
	w.net.Enable(name, e.on)
	if l := w.links[[2]string{from.name, to}]; l != nil {
		w.net.SetEndFaults(name, l.faults(w.Now()))
	}
	return e.end
}

// enabledLocked is the connectivity rule: an end carries calls when both
// nodes are alive and connected, no one-way cut stops it, two servers of
// one cluster are on the same side of its partition, and a client is allowed
// to reach the server. Partitions never separate clusters from each other.
func (w *World) enabledLocked(e *endInfo) bool {
	a, b := e.from, e.to
	if e.dead || !a.alive || !b.alive || !a.up || !b.up || w.cuts[[2]string{a.name, b.name}] {
		return false
	}
	if a.client {
		return a.allow == nil || b.cluster != a.cluster || a.allow[b.name]
	}
	if a.cluster == b.cluster && a.group != b.group {
		return false
	}
	return true
}

// refreshLocked re-applies the connectivity rule to every end.
func (w *World) refreshLocked() {
	for _, e := range w.ends {
		on := w.enabledLocked(e)
		if on != e.on {
			e.on = on
			w.net.Enable(e.name, on)
		}
	}
}
