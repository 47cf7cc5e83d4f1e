package labrpc

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"distlab/internal/env"
)

// A Network is the simulated network: named ends (the client side of
// connections) and named servers, the connections between them, and the
// fault model. All its methods are safe for concurrent use.
//
// Calls run on their callers' goroutines; handlers run on worker goroutines
// that end after one to two seconds without work, and at once on Cleanup.
type Network struct {
	mu             sync.RWMutex
	closed         bool
	reliable       bool
	longDelays     bool
	longReordering bool
	seed           int64
	faults         *Faults // network-wide model; nil: the classic one
	observer       Observer
	ends           map[interface{}]*endState
	servers        map[interface{}]*serverSlot
	links          map[linkKey]*link
	orphan         *link         // random stream of calls on deleted ends
	done           chan struct{} // closed by Cleanup

	workers workerPool
	streams streams // the links' open gob streams, at most maxStreams

	calls atomic.Uint64             // numbers calls; GetTotalCount
	tally [2][numFates]atomic.Int64 // messages by Kind and Fate: Stats
	bytes atomic.Int64
}

// endState is the network's record of one end, guarded by Network.mu.
type endState struct {
	end     *ClientEnd
	deleted bool
	enabled bool
	server  interface{} // connected server's name
	slot    *serverSlot // the server currently registered under that name, or nil
	link    *link       // link to server (or to noServerName{} while unconnected)
	faults  *Faults
	// live is open while the end is enabled, connected to a server that
	// exists and the network is up; it is closed as soon as any of that
	// changes, which fails every call in flight on the end at once.
	live chan struct{}
}

// serverSlot is one server's registration under a name; a replacement gets
// a new slot.
type serverSlot struct {
	srv *Server
}

// update renews es.live after a change of the end's state.
func (rn *Network) update(es *endState) {
	if es.live != nil {
		close(es.live)
		es.live = nil
	}
	if es.enabled && es.slot != nil && !rn.closed && !es.deleted {
		es.live = make(chan struct{})
	}
}

// reslot points every end connected to servername at its current slot.
// The ends are updated in a fixed order (by name hash), not the map's
// random one: closing an end's live channel wakes its callers, and the
// order of those wake-ups must follow from the seed for a run to replay.
func (rn *Network) reslot(servername interface{}) {
	slot := rn.servers[servername]
	var moved []*endState
	for _, es := range rn.ends {
		if es.slot != slot && es.link.key.server == servername {
			moved = append(moved, es)
		}
	}
	slices.SortFunc(moved, func(a, b *endState) int {
		if c := cmp.Compare(a.end.hash, b.end.hash); c != 0 {
			return c
		}
		return strings.Compare(fmt.Sprint(a.end.name), fmt.Sprint(b.end.name))
	})
	for _, es := range moved {
		es.slot = slot
		rn.update(es)
	}
}

// MakeNetwork returns a reliable network without ends or servers. Its seed
// is DISTLAB_SEED if that is set to an integer, and random otherwise; see
// SetSeed and Seed.
func MakeNetwork() *Network {
	rn := &Network{
		reliable: true,
		ends:     map[interface{}]*endState{},
		servers:  map[interface{}]*serverSlot{},
		links:    map[linkKey]*link{},
		done:     make(chan struct{}),
	}
	rn.seed = rand.Int64()
	if s, set, err := env.SeedValue(); set && err == nil {
		rn.seed = s
	}
	rn.orphan = &link{key: linkKey{}, hash: nameHash("orphan")}
	return rn
}

// Cleanup shuts the network down: every call in flight returns false at
// once, and later calls return false immediately. Handlers already running
// finish on their own goroutines; a peer's Kill must make them return.
func (rn *Network) Cleanup() {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.closed {
		return
	}
	rn.closed = true
	close(rn.done)
	for _, es := range rn.ends {
		rn.update(es)
	}
	rn.workers.close()
}

// SetSeed makes every random decision of the network, and every generator
// returned by ClientEnd.Rand, follow from seed. It restarts all random
// streams, so call it before any traffic.
func (rn *Network) SetSeed(seed int64) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.seed = seed
	for _, l := range rn.links {
		l.mu.Lock()
		l.rng = nil
		l.mu.Unlock()
	}
	rn.orphan.mu.Lock()
	rn.orphan.rng = nil
	rn.orphan.mu.Unlock()
	for _, es := range rn.ends {
		es.end.nrand.Store(0)
	}
}

// Seed returns the network's seed.
func (rn *Network) Seed() int64 {
	rn.mu.RLock()
	defer rn.mu.RUnlock()
	return rn.seed
}

// Reliable sets whether the classic model is reliable (the default). An
// unreliable network delays each request by 0-27 ms and loses 10% of
// requests and 10% of replies.
func (rn *Network) Reliable(yes bool) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.reliable = yes
}

// LongReordering sets whether about 2/3 of replies are delayed by 200 to
// 2200 ms, so that replies arrive long after, and in another order than,
// their requests.
func (rn *Network) LongReordering(yes bool) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.longReordering = yes
}

// LongDelays sets how long a call to a disabled or unconnected end takes to
// fail: 0-100 ms normally, 0-7 s with long delays.
func (rn *Network) LongDelays(yes bool) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.longDelays = yes
}

// SetFaults replaces the classic model (Reliable, LongReordering) by f on
// every link that has no model of its own (see SetEndFaults and
// SetLinkFaults). nil restores the classic model. f is copied.
func (rn *Network) SetFaults(f *Faults) {
	f = cloneFaults(f, "SetFaults")
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.faults = f
}

// SetEndFaults sets the fault model of every call made on the end named
// endname, whatever server it is connected to, unless the link has a model
// of its own. nil removes it. f is copied.
func (rn *Network) SetEndFaults(endname interface{}, f *Faults) {
	f = cloneFaults(f, "SetEndFaults")
	rn.mu.Lock()
	defer rn.mu.Unlock()
	es := rn.ends[endname]
	if es == nil {
		panic(fmt.Sprintf("labrpc.SetEndFaults(%v): no such end; call MakeEnd first", endname))
	}
	es.faults = f
}

// SetLinkFaults sets the fault model of the directed link from the end
// named endname to the server named servername (whether or not they exist
// or are connected yet). It takes precedence over SetEndFaults and
// SetFaults. nil removes it. f is copied.
func (rn *Network) SetLinkFaults(endname, servername interface{}, f *Faults) {
	f = cloneFaults(f, "SetLinkFaults")
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.linkLocked(endname, servername).faults = f
}

// checkName panics unless name can be a map key, as names of ends and
// servers must.
func checkName(where string, name interface{}) {
	if name == nil {
		panic(fmt.Sprintf("labrpc.%s: a name cannot be nil; use a string or an int", where))
	}
	if t := reflect.TypeOf(name); !t.Comparable() {
		panic(fmt.Sprintf("labrpc.%s(%v): a name of type %s cannot be compared; use a string or an int", where, name, t))
	}
}

func cloneFaults(f *Faults, where string) *Faults {
	if f == nil {
		return nil
	}
	f.validate(where)
	c := *f
	return &c
}

// linkLocked returns the link from endname to servername, creating it.
func (rn *Network) linkLocked(endname, servername interface{}) *link {
	k := linkKey{endname, servername}
	l := rn.links[k]
	if l == nil {
		l = &link{key: k, hash: nameHash(endname, servername)}
		rn.links[k] = l
	}
	return l
}

// MakeEnd returns a new end named endname. It is neither connected nor
// enabled: call Connect and Enable. The name may be any comparable value
// (usually a string) and must be new.
func (rn *Network) MakeEnd(endname interface{}) *ClientEnd {
	checkName("MakeEnd", endname)
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if _, ok := rn.ends[endname]; ok {
		panic(fmt.Sprintf("labrpc.MakeEnd(%v): an end of that name already exists", endname))
	}
	es := &endState{link: rn.linkLocked(endname, noServerName{})}
	es.end = &ClientEnd{name: endname, net: rn, hash: nameHash(endname), state: es}
	rn.ends[endname] = es
	return es.end
}

// DeleteEnd removes the end named endname: calls on it in flight fail at
// once, later ones fail as if it were disabled. The name may be reused.
func (rn *Network) DeleteEnd(endname interface{}) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if es := rn.ends[endname]; es != nil {
		es.deleted = true
		rn.update(es)
		delete(rn.ends, endname)
	}
}

// AddServer makes rs reachable as servername. If another server had that
// name, it is replaced as by DeleteServer: calls whose handlers have not
// returned fail, and their replies are never delivered.
func (rn *Network) AddServer(servername interface{}, rs *Server) {
	checkName("AddServer", servername)
	if rs == nil {
		panic(fmt.Sprintf("labrpc.AddServer(%v, nil): make the server with MakeServer", servername))
	}
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.servers[servername] = &serverSlot{srv: rs}
	rn.reslot(servername)
}

// DeleteServer removes the server named servername, as a crash does: calls
// in flight to it return false even if their handlers finish later. A reply
// whose handler returned before the deletion is already on its way and is
// delivered after its delay, as in the classic network.
func (rn *Network) DeleteServer(servername interface{}) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	delete(rn.servers, servername)
	rn.reslot(servername)
}

// Connect directs the end named endname to the server named servername (a
// server of that name need not exist yet). An end talks to one server;
// moving it to another fails its calls in flight, as a dropped connection
// would.
func (rn *Network) Connect(endname, servername interface{}) {
	checkName("Connect", servername)
	rn.mu.Lock()
	defer rn.mu.Unlock()
	es := rn.ends[endname]
	if es == nil {
		panic(fmt.Sprintf("labrpc.Connect(%v, %v): no such end; call MakeEnd first", endname, servername))
	}
	es.server = servername
	es.link = rn.linkLocked(endname, servername)
	if slot := rn.servers[servername]; slot != es.slot {
		es.slot = slot
		rn.update(es)
	}
}

// Enable enables or disables the end named endname. A disabled end's calls
// fail after a timeout and never reach a server; disabling an end fails its
// calls in flight. Disabling only the ends from A to B cuts that direction
// alone: a one-way partition (see the package documentation).
func (rn *Network) Enable(endname interface{}, enabled bool) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	es := rn.ends[endname]
	if es == nil {
		panic(fmt.Sprintf("labrpc.Enable(%v, %v): no such end; call MakeEnd first", endname, enabled))
	}
	if es.enabled == enabled {
		return
	}
	es.enabled = enabled
	rn.update(es)
}

// GetCount returns how many requests the server named servername has
// handled (0 if there is no such server).
func (rn *Network) GetCount(servername interface{}) int {
	rn.mu.RLock()
	slot := rn.servers[servername]
	rn.mu.RUnlock()
	if slot == nil {
		return 0
	}
	return slot.srv.GetCount()
}

// GetTotalCount returns how many calls have been made on the network,
// whatever became of them.
func (rn *Network) GetTotalCount() int {
	return int(rn.calls.Load())
}

// GetTotalBytes returns the total gob-encoded size of the requests and
// replies that have crossed the network (type information included, once
// per link and direction, as on a TCP stream — and again when a stream
// restarts, after a message over 64 KiB or when more than 4096 streams are
// open; see the package documentation).
func (rn *Network) GetTotalBytes() int64 {
	return rn.bytes.Load()
}
