package labrpc

import (
	"reflect"
	"sync"
	"time"
)

// Handlers run on worker goroutines rather than on the callers' own, so
// that a caller can give up on a handler that is stuck in a crashed server.
// Workers are reused: a fresh goroutine would have to grow its stack for
// the reflective call on every request. A worker waits for work for at most
// workerIdle and ends then, or at once when the network is cleaned up, so
// an idle network keeps no goroutines for long and none after Cleanup.
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
	work chan *inflight // buffered: handing work over never blocks; closed by Cleanup
}

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
	go rn.work(&worker{work: make(chan *inflight, 1)}, c)
}

// close ends the idle workers; busy ones end when their handler returns.
func (p *workerPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, w := range p.idle {
		close(w.work)
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
// The timer is reset once per tick, not per call.
func (rn *Network) work(w *worker, c *inflight) {
	p := &rn.workers
	tick := time.NewTimer(workerIdle)
	defer tick.Stop()
	for {
		c.run()
		if !p.park(w) {
			return
		}
		used := true
	wait:
		select {
		case next, ok := <-w.work:
			if !ok {
				return
			}
			c = next
			continue
		case <-tick.C:
			if used {
				used = false
				tick.Reset(workerIdle)
				goto wait
			}
			if p.leave(w) {
				return
			}
			next, ok := <-w.work
			if !ok {
				return
			}
			c = next
			tick.Reset(workerIdle)
		}
	}
}
