package labrpc

import (
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"time"
)

// A ClientEnd is the client side of a connection: a peer calls other peers
// through the ClientEnds it was given. Made by Network.MakeEnd. Safe for
// concurrent use (Call may be called from many goroutines at once).
type ClientEnd struct {
	name  interface{}
	net   *Network
	hash  uint64
	state *endState
	nrand atomic.Uint64 // how many generators Rand has returned
}

// Rand returns a new random generator, determined by the network's seed,
// the end's name and how many times Rand has been called on this end
// before. This is how a peer made by the classic Make(peers, me, ...) gets
// seeded randomness: the harness gives every peer an end to itself, so
//
//	rf.rand = peers[me].Rand()
//
// replays the same election timeouts under the same seed. A *rand.Rand is
// not safe for concurrent use: guard it with the peer's mutex.
func (e *ClientEnd) Rand() *rand.Rand {
	k := e.nrand.Add(1) - 1
	return newRand(e.net.Seed(), mix(e.hash^mix(k^0x5851f42d4c957f2d)))
}

// Call sends a request to the handler svcMeth ("Raft.RequestVote") of the
// server this end is connected to, waits for the reply and decodes it into
// reply. It returns true if the reply arrived, and false if the network
// lost the request or the reply, the end is disabled or not connected, the
// server was deleted or replaced before the handler returned, or the network
// was cleaned up.
// A false return says nothing about whether the handler ran.
//
// args and reply are copied through gob, so they never share memory with
// the handler's. reply must be a non-nil pointer to the handler's reply
// type; when Call returns true every field of *reply holds the handler's
// reply (it is overwritten, not merged), and when it returns false *reply
// is untouched.
//
// A call that cannot be right panics at once in the caller's goroutine
// with an error naming the culprit (see ErrUnknownService and the other
// errors): an unknown service or method, a reply that is not a pointer to
// the handler's reply type, an argument of another type than the
// handler's or nil (a nil pointer too), a value gob cannot encode.
func (e *ClientEnd) Call(svcMeth string, args interface{}, reply interface{}) bool {
	rn := e.net
	rv := reflect.ValueOf(reply)
	if reply == nil {
		panic(callErr(ErrBadReply, svcMeth, "reply is nil; it must be a non-nil pointer, e.g. &reply"))
	}
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(callErr(ErrBadReply, svcMeth, "reply must be a non-nil pointer, e.g. &reply, but it is a %T", reply))
	}

	// A snapshot of everything this call depends on.
	rn.mu.RLock()
	if rn.closed {
		rn.mu.RUnlock()
		return false
	}
	var (
		es       = e.state
		live     = es.live
		lk       = es.link
		slot     = es.slot
		f        = rn.faults
		seed     = rn.seed
		reliable = rn.reliable
		reorder  = rn.longReordering
		longWait = rn.longDelays
		obs      = rn.observer
		enabled  = es.enabled
		server   interface{}
	)
	if es.deleted {
		lk, slot, enabled = rn.orphan, nil, false
	}
	if _, unconnected := lk.key.server.(noServerName); !unconnected {
		server = es.server
	}
	if lk.faults != nil {
		f = lk.faults
	} else if es.faults != nil {
		f = es.faults
	}
	rn.mu.RUnlock()
	o := outgoing{rn: rn, id: rn.calls.Add(1), end: e.name, server: server, method: svcMeth, obs: obs}

	// Caller bugs are found whatever the network's state, if a server is
	// there to say what it expects.
	var m *method
	if slot != nil {
		m = slot.srv.method(svcMeth, server)
		m.checkCall(svcMeth, args, rv)
	}

	if live == nil {
		fate := Disabled
		if enabled {
			fate = NoServer
		}
		_, delay := o.report(Request, fate, 0, lk.failDelay(seed, longWait))
		rn.sleep(delay)
		return false
	}

	// The request: copied now, so that the caller's later changes to args
	// do not travel; then delayed, lost or delivered (once or twice).
	d := lk.decide(seed, f, reliable, reorder)
	argp := reflect.New(m.argElem)
	n, err := rn.streams.copy(&lk.req, args, argp)
	if err != nil {
		panic(callErr(ErrEncoding, svcMeth, "cannot send the argument (%T): %v", args, err))
	}
	rn.bytes.Add(int64(n))
	fate := Delivered
	switch {
	case d.dropReq:
		fate = Dropped
	case d.dup:
		fate = Duplicated
	}
	fate, d.reqDelay = o.report(Request, fate, n, d.reqDelay)
	if !rn.sleep(d.reqDelay) {
		return o.lost()
	}
	if fate == Dropped {
		return false
	}
	var argp2 reflect.Value
	if fate == Duplicated {
		argp2 = reflect.New(m.argElem)
		n2, _ := rn.streams.copy(&lk.req, args, argp2) // the same value encoded fine just now
		rn.bytes.Add(int64(n2))
	}

	// Run the handler, unless the server died or the end was cut meanwhile,
	// and wait for it, unless that happens while it runs.
	select {
	case <-live:
		return o.lost()
	default:
	}
	c := rn.newInflight()
	c.srv, c.m, c.argp, c.argp2 = slot.srv, m, argp, argp2
	rn.start(c)
	select {
	case <-c.done:
	case <-live:
		return o.lost()
	}
	select {
	case <-live:
		return o.lost()
	default:
	}
	handlerReply := c.reply
	rn.recycle(c)

	// The reply: copied straight into *reply on the common path, otherwise
	// into a fresh value that is assigned to *reply if it is delivered.
	var dst reflect.Value
	direct := obs == nil && !d.dropReply && d.repDelay == 0
	switch {
	case direct:
		rv.Elem().SetZero()
		dst = rv
	default:
		// Also for a dropped reply: it is decoded into a value of its
		// own to keep the stream in step. (Decoding into nothing skips
		// the definitions of the concrete types of interface fields that
		// the message carries, and the next reply that names one of
		// those types fails with "field numbers out of bounds".)
		dst = reflect.New(m.replyElem)
	}
	n, err = rn.streams.copy(&lk.reply, handlerReply.Interface(), dst)
	if err != nil {
		panic(callErr(ErrEncoding, svcMeth, "cannot send the reply of handler %s.%s (%s): %v",
			m.svc.name, m.name, handlerReply.Type(), err))
	}
	rn.bytes.Add(int64(n))
	fate = Delivered
	if d.dropReply {
		fate = Dropped
	}
	fate, d.repDelay = o.report(Reply, fate, n, d.repDelay)
	if fate == Dropped {
		return false
	}
	if !rn.sleep(d.repDelay) {
		return o.lost()
	}
	if !direct {
		rv.Elem().Set(dst.Elem())
	}
	return true
}

// outgoing is what a call reports to the observer and the statistics.
type outgoing struct {
	rn     *Network
	id     uint64
	end    interface{}
	server interface{}
	method string
	obs    Observer
}

// report counts a message's fate and shows it to the observer, who may
// change it; it returns the fate and delay to apply.
func (o *outgoing) report(kind Kind, fate Fate, bytes int, delay time.Duration) (Fate, time.Duration) {
	if o.obs != nil {
		m := &Message{Call: o.id, Kind: kind, End: o.end, Server: o.server, Method: o.method,
			Bytes: bytes, Fate: fate, Delay: delay}
		observe(o.obs, m)
		fate, delay = m.Fate, m.Delay
	}
	o.rn.tally[kind][fate].Add(1)
	return fate, delay
}

// lost reports a call that failed in flight, because the server died, the
// end was cut or the network closed, and returns false.
func (o *outgoing) lost() bool {
	fate := ServerDead
	select {
	case <-o.rn.done:
		fate = Closed
	default:
	}
	o.report(Reply, fate, 0, 0)
	return false
}

// sleep waits for d, or less if the network is cleaned up meanwhile, and
// reports whether the network is still up.
func (rn *Network) sleep(d time.Duration) bool {
	if d <= 0 {
		select {
		case <-rn.done:
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-rn.done:
		return false
	}
}
