package labrpc

import (
	"reflect"
	"sync"
	"time"
)

// Handlers run on worker goroutines rather than on the callers' own, so
// that a caller can give up on a handler that is stuck in a crashed server.
// Workers are reused: a fresh goroutine would have to grow its stack for
// the reflective call on every request. A worker that finds no work for
// one to two workerIdle periods ends, and every idle worker ends at once
// when the network is cleaned up, so an idle network keeps no goroutines
// for long and none after Cleanup.
const workerIdle = time.Second

// An inflight call is one handler execution.
type inflight struct {
	srv   *Server
	m     *method
	argp  reflect.Value
	argp2 reflect.Value // a second copy of the argument, for a duplicate delivery
	reply reflect.Value // set before done is signalled
	done  chan struct{} // buffered: the worker never blocks on it
}

// run executes the handler, signals done, and then runs the duplicate if
// there is one. It does not touch c after signalling: the caller may reuse
// it at once.
func (c *inflight) run() {
	srv, m, dup := c.srv, c.m, c.argp2
	c.reply = srv.invoke(m, c.argp)
	c.done <- struct{}{}
	if dup.IsValid() {
		srv.invoke(m, dup)
	}
}

type worker struct {
	work chan *inflight // buffered (2): a call or stopWorker, and a tick (nil)
}

// stopWorker on a worker's channel tells it to end (sent by Cleanup). The
// channel is never closed: the tick's timer may send on it at any time.
var stopWorker = new(inflight)

type workerPool struct {
	mu     sync.Mutex
	closed bool
	idle   []*worker
	calls  sync.Pool // of *inflight whose done channel is empty
}

func (rn *Network) newInflight() *inflight {
	if c, ok := rn.workers.calls.Get().(*inflight); ok {
		return c
	}
	return &inflight{done: make(chan struct{}, 1)}
}

// recycle returns a finished call (its done received) for reuse.
func (rn *Network) recycle(c *inflight) {
	*c = inflight{done: c.done}
	rn.workers.calls.Put(c)
}

// start hands c to an idle worker, or to a new one. After Cleanup it does
// nothing: the caller is failing the call anyway.
func (rn *Network) start(c *inflight) {
	p := &rn.workers
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		w.work <- c
		return
	}
	p.mu.Unlock()
	go rn.work(&worker{work: make(chan *inflight, 2)}, c)
}

// close ends the idle workers; busy ones end when their handler returns.
func (p *workerPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, w := range p.idle {
		w.work <- stopWorker // never blocks: an idle worker's buffer holds at most a tick
	}
	p.idle = nil
}

// park puts w on the idle list, unless the network is closed.
func (p *workerPool) park(w *worker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.idle = append(p.idle, w)
	return true
}

// leave takes w off the idle list; false means someone took it already and
// its work is on the way.
func (p *workerPool) leave(w *worker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.idle {
		if x == w {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			return true
		}
	}
	return false
}

// work runs calls until the worker has been idle for a whole tick of its
// timer (so between workerIdle and twice that), or the network is closed.
// The timer delivers its tick as a nil call on the work channel, so that a
// busy worker waits with a plain receive and re-arms the timer once per
// tick, not once per call.
func (rn *Network) work(w *worker, c *inflight) {
	p := &rn.workers
	tick := time.AfterFunc(workerIdle, func() {
		select {
		case w.work <- nil:
		default: // work is pending; the worker will see the next tick
		}
	})
	defer tick.Stop()
	for {
		c.run()
		if !p.park(w) {
			return
		}
		used := true
		for {
			next := <-w.work
			if next == stopWorker {
				return
			}
			if next != nil {
				c = next
				break
			}
			// A tick.
			if !used {
				if p.leave(w) {
					return
				}
				// Someone took us off the idle list: their call is coming.
			}
			used = false
			tick.Reset(workerIdle)
		}
	}
}
