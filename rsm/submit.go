package rsm

import "time"

// Request is one operation submitted to the RSM.
//
// ClientID and Seq identify it for exactly-once application: a client with
// a non-zero id numbers its requests 1, 2, 3, ... and retries a request with
// the same number until it gets an answer. ClientID 0 makes the request
// anonymous (applied every time it reaches the log), which suits reads.
// Command is handed to StateMachine.Apply; its concrete type must be
// registered with labgob, since it travels through the log.
type Request struct {
	ClientID int64
	Seq      int64
	Command  any
}

// entry is what the RSM places in the consensus log: a request plus the tag
// that lets the proposer recognise its own entry when it is applied.
type entry struct {
	Origin      int
	Incarnation uint64
	Tag         uint64
	ClientID    int64
	Seq         int64
	Command     any
}

// waiter is one Submit call waiting for its index to be applied.
type waiter struct {
	incarnation, tag uint64
	ch               chan outcome // buffered: the reader never blocks on it
}

type outcome struct {
	result any
	err    error
}

// Submit places req in the consensus log and waits until this replica has
// applied it, returning the StateMachine's result. A duplicate of an
// already-applied request returns the remembered result without being
// applied again.
//
// It returns ErrWrongLeader, ErrLeadershipLost, ErrTimeout or ErrKilled when
// it cannot tell the caller the request's result; the caller should retry
// the same request elsewhere. Submit is safe for concurrent use.
func (r *RSM) Submit(req Request) (any, error) {
	r.mu.Lock()
	if r.dead {
		r.mu.Unlock()
		return nil, ErrKilled
	}
	if req.ClientID != 0 {
		// Already applied here, so already committed: its result is final.
		if s, ok := r.sessions[req.ClientID]; ok && req.Seq <= s.Seq {
			r.mu.Unlock()
			if req.Seq == s.Seq {
				return s.Result, nil
			}
			return nil, nil
		}
	}
	e := entry{Origin: r.me, Incarnation: r.incarnation, Tag: r.nextTag,
		ClientID: req.ClientID, Seq: req.Seq, Command: req.Command}
	r.nextTag++
	// r.mu is held across Start so that the entry cannot be applied
	// before its waiter is registered. Lock order: r.mu, then the log's.
	index, term, isLeader := r.log.Start(e)
	if !isLeader {
		r.mu.Unlock()
		return nil, ErrWrongLeader
	}
	w := &waiter{incarnation: e.Incarnation, tag: e.Tag, ch: make(chan outcome, 1)}
	if old := r.waiters[index]; old != nil {
		// An earlier proposal at this index, from a term this server
		// has since lost; the new one supersedes it.
		old.ch <- outcome{err: ErrLeadershipLost}
	}
	r.waiters[index] = w
	// Jittered (see Jitter): a check due at the instant of a heartbeat
	// that deposes this leader would see it or not at random.
	every := Jitter(r.rand, leaderCheckInterval)
	r.mu.Unlock()
	if r.lg.On("SUBMIT") {
		r.lg.Printf("SUBMIT", "proposed client %d seq %d at index %d term %d", req.ClientID, req.Seq, index, term)
	}

	timeout := time.NewTimer(r.timeout)
	defer timeout.Stop()
	check := time.NewTicker(every)
	defer check.Stop()
	for {
		select {
		case o := <-w.ch:
			return o.result, o.err
		case <-check.C:
			if o, ok := ready(w); ok {
				return o.result, o.err
			}
			if t, lead := r.log.GetState(); t != term || !lead {
				r.forget(index, w)
				return nil, ErrLeadershipLost
			}
		case <-timeout.C:
			if o, ok := ready(w); ok {
				return o.result, o.err
			}
			r.forget(index, w)
			return nil, ErrTimeout
		case <-r.done:
			return nil, ErrKilled
		}
	}
}

// ready returns w's outcome if it has arrived. A select picks at random
// among ready cases, so an outcome that arrives at the same instant as a
// tick of the leader check or the timeout is taken here: the answer does
// not depend on that draw, and a seed replays.
func ready(w *waiter) (outcome, bool) {
	select {
	case o := <-w.ch:
		return o, true
	default:
		return outcome{}, false
	}
}

// forget removes w from the waiters if it is still registered at index.
func (r *RSM) forget(index int, w *waiter) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.waiters[index] == w {
		delete(r.waiters, index)
	}
}
