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
// server was deleted or replaced meanwhile, or the network was cleaned up.
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
// handler's, a value gob cannot encode.
func (e *ClientEnd) Call(svcMeth string, args interface{}, reply interface{}) bool {
	rn := e.net
	rv := reflect.ValueOf(reply)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(callErr(ErrBadReply, svcMeth, "reply must be a non-nil pointer, e.g. &reply, but it is %T(%v)", reply, reply))
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
	id := rn.calls.Add(1)

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
		delay := lk.failDelay(seed, longWait)
		if obs != nil {
			msg := &Message{Call: id, Kind: Request, End: e.name, Server: server, Method: svcMeth, Fate: fate, Delay: delay}
			observe(obs, msg)
		}
		rn.sleep(delay)
		return false
	}

	d := lk.decide(seed, f, reliable, reorder)
	argp := reflect.New(m.argElem)
	n, err := lk.req.copy(args, argp)
	if err != nil {
		panic(callErr(ErrEncoding, svcMeth, "cannot send the argument (%T): %v", args, err))
	}
	rn.bytes.Add(int64(n))
	var argp2 reflect.Value
	if d.dup && !d.dropReq {
		argp2 = reflect.New(m.argElem)
		n2, _ := lk.req.copy(args, argp2)
		rn.bytes.Add(int64(n2))
	}
	if obs != nil {
		msg := &Message{Call: id, Kind: Request, End: e.name, Server: server, Method: svcMeth, Bytes: n, Delay: d.reqDelay}
		switch {
		case d.dropReq:
			msg.Fate = Dropped
		case d.dup:
			msg.Fate = Duplicated
		}
		observe(obs, msg)
		d.reqDelay = msg.Delay
		if msg.Fate == Dropped {
			d.dropReq = true
		}
	}
	if !rn.sleep(d.reqDelay) || d.dropReq {
		return false
	}

	// Deliver, unless the server died or the end was cut meanwhile.
	select {
	case <-live:
		return rn.lost(obs, id, e.name, server, svcMeth)
	default:
	}
	c := rn.newInflight()
	c.srv, c.m, c.argp, c.argp2 = slot.srv, m, argp, argp2
	rn.start(c)
	select {
	case <-c.done:
	case <-live:
		return rn.lost(obs, id, e.name, server, svcMeth)
	}
	// The handler returned; its reply counts only if the server is still
	// the one the request went to.
	select {
	case <-live:
		return rn.lost(obs, id, e.name, server, svcMeth)
	default:
	}

	// Copy the reply: straight into *reply on the common path, otherwise
	// into a fresh value that is assigned to *reply if it is delivered.
	var dst reflect.Value
	switch {
	case obs == nil && d.dropReply:
		// decoded and discarded, to keep the stream in step
	case obs == nil && d.repDelay == 0:
		rv.Elem().SetZero()
		dst = rv
	default:
		dst = reflect.New(m.replyElem)
	}
	handlerReply := c.reply
	rn.recycle(c)
	n, err = lk.reply.copy(handlerReply.Interface(), dst)
	if err != nil {
		panic(callErr(ErrEncoding, svcMeth, "cannot send the reply of handler %s.%s (%s): %v", m.svc.name, m.name, handlerReply.Type(), err))
	}
	rn.bytes.Add(int64(n))
	if obs != nil {
		msg := &Message{Call: id, Kind: Reply, End: e.name, Server: server, Method: svcMeth, Bytes: n, Delay: d.repDelay}
		if d.dropReply {
			msg.Fate = Dropped
		}
		observe(obs, msg)
		d.repDelay = msg.Delay
		d.dropReply = msg.Fate == Dropped
	}
	if d.dropReply || !rn.sleep(d.repDelay) {
		return false
	}
	if dst != rv {
		rv.Elem().Set(dst.Elem())
	}
	return true
}

// lost reports a call that failed in flight and returns false.
func (rn *Network) lost(obs Observer, id uint64, end, server interface{}, svcMeth string) bool {
	if obs != nil {
		fate := ServerDead
		select {
		case <-rn.done:
			fate = Closed
		default:
		}
		observe(obs, &Message{Call: id, Kind: Reply, End: end, Server: server, Method: svcMeth, Fate: fate})
	}
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
