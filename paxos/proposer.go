package paxos

import "time"

// Backoff of a proposer that lost a round: it waits a time drawn uniformly
// from [0, pause) before its next proposal, where pause starts at
// backoffMin and doubles with every lost round up to backoffMax. Drawing
// from peers[me].Rand() makes dueling proposers drift apart, so that one of
// them completes both phases while the other waits (the paper's section
// 2.4), and a test's seed replays the draw.
const (
	backoffMin = 10 * time.Millisecond
	backoffMax = 500 * time.Millisecond
)

// Start proposes v for instance seq and returns at once; the proposer runs
// in a goroutine of its own until the instance is decided, forgotten, or
// the peer is killed. Status tells the outcome, which may be another
// peer's value. Start for an instance below Min, already decided here, or
// already being proposed by this peer does nothing.
func (px *Paxos) Start(seq int, v interface{}) {
	px.mu.Lock()
	defer px.mu.Unlock()
	if px.dead || px.doneHere(seq) || px.proposing[seq] {
		return
	}
	if in := px.instance(seq); in.decided {
		return
	}
	px.proposing[seq] = true
	go px.propose(seq, v)
}

// propose runs the proposer for seq until the instance is decided.
func (px *Paxos) propose(seq int, v any) {
	defer func() {
		px.mu.Lock()
		delete(px.proposing, seq)
		px.mu.Unlock()
	}()
	highest := 0 // the highest proposal number seen for seq
	pause := backoffMin
	for {
		px.mu.Lock()
		if in, ok := px.insts[seq]; px.dead || px.doneHere(seq) || !ok || in.decided {
			px.mu.Unlock()
			return
		}
		n := px.nextNumber(highest)
		px.mu.Unlock()

		seen, done := px.round(seq, n, v)
		if done {
			return
		}
		highest = max(highest, seen, n)

		px.mu.Lock()
		wait := time.Duration(px.rand.Int64N(int64(pause)))
		pause = min(2*pause, backoffMax)
		px.mu.Unlock()
		if !px.sleep(wait) {
			return
		}
	}
}

// nextNumber returns this peer's smallest proposal number above highest.
// Numbers are unique per peer (n mod len(peers) = me) and never 0, which
// means "no proposal". Caller holds px.mu.
func (px *Paxos) nextNumber(highest int) int {
	k := len(px.peers)
	n := (highest/k)*k + px.me + 1
	for n <= highest {
		n += k
	}
	return n
}

// round is one attempt with proposal number n: phase 1, then phase 2 with
// the value the promises dictate. It returns the highest proposal number
// the acceptors reported, and whether the instance is now decided (or
// forgotten, or the peer killed): nothing more to do.
func (px *Paxos) round(seq, n int, v any) (seen int, done bool) {
	// Phase 1.
	promises, seen, decided, dv, over := px.prepare(seq, n)
	if over {
		return seen, true
	}
	if decided {
		px.learnAsProposer(seq, dv, 0)
		return seen, true
	}
	if promises == nil {
		return seen, false
	}
	// The value: that of the highest-numbered proposal any promiser
	// accepted, else our own.
	na := 0
	for _, p := range promises {
		if p.Na > na {
			na, v = p.Na, p.Va
		}
	}
	// Phase 2.
	accepted, seen2, decided, dv, over := px.accept(seq, n, v)
	seen = max(seen, seen2)
	switch {
	case over:
		return seen, true
	case decided:
		px.learnAsProposer(seq, dv, 0)
		return seen, true
	case accepted:
		px.learnAsProposer(seq, v, n)
		return seen, true
	}
	return seen, false
}

// learnAsProposer records that v was chosen for seq (as proposal number
// n; 0: not known) and schedules telling every other peer.
func (px *Paxos) learnAsProposer(seq int, v any, n int) {
	px.mu.Lock()
	defer px.mu.Unlock()
	if px.decide(seq, v, n) {
		px.persist()
	}
	if !px.doneHere(seq) {
		px.queueLearn(seq)
	}
}

// call sends one request to peer i; a call to this peer itself is a local
// function call, not a message. It reports whether a reply arrived.
func (px *Paxos) call(i int, method string, args, reply any) bool {
	if i == px.me {
		switch method {
		case "Paxos.Prepare":
			px.Prepare(args.(*PrepareArgs), reply.(*PrepareReply))
		case "Paxos.Accept":
			px.Accept(args.(*AcceptArgs), reply.(*AcceptReply))
		}
		return true
	}
	return px.peers[i].Call(method, args, reply)
}

// prepare runs phase 1: it sends prepare(n) to every acceptor and waits
// for a majority of promises (returned in promises), for a decision
// (decided, with its value), or until a majority can no longer promise
// (promises nil). over reports that the peer was killed, or that the round
// failed with an acceptor that no longer takes part in seq (so it was
// decided, and that acceptor's application is done with it).
//
// This peer's own acceptor is asked first, and the others only once it
// promised: so its promise of n is on stable storage before any other
// acceptor hears of n, and no proposer of this peer, in this incarnation
// or a later one, uses n for seq again (the acceptor refuses a second
// prepare(n)). Each proposal number thus goes with one value, which
// decide relies on; and a round this peer's own acceptor refuses costs no
// message.
func (px *Paxos) prepare(seq, n int) (promises []*PrepareReply, seen int, decided bool, v any, over bool) {
	px.mu.Lock()
	args := PrepareArgs{Seq: seq, N: n, From: px.me, Done: px.dones[px.me]}
	px.mu.Unlock()
	own := new(PrepareReply)
	px.Prepare(&args, own)
	switch {
	case own.Forgotten:
		return nil, seen, false, nil, true
	case own.Decided:
		return nil, seen, true, own.V, false
	case !own.OK:
		return nil, own.Np, false, nil, px.isDead()
	}
	promises = append(promises, own)
	if len(promises) == px.majority() {
		return promises, seen, false, nil, false
	}
	replies := broadcast(px, "Paxos.Prepare", args, func(r *PrepareReply) int { return r.Done }, true)
	failed, forgotten := 0, false
	for range len(px.peers) - 1 {
		r := <-replies
		switch {
		case r == nil:
			failed++
		case r.Forgotten: // an acceptor that no longer takes part
			forgotten = true
			failed++
			if r.Snapshot != nil {
				px.installSnapshot(r.SnapSeq, r.Snapshot)
			}
		case r.Decided:
			return nil, seen, true, r.V, false
		case r.OK:
			promises = append(promises, r)
			if len(promises) == px.majority() {
				return promises, seen, false, nil, false
			}
		default:
			seen = max(seen, r.Np)
			failed++
		}
		if failed > len(px.peers)-px.majority() {
			break
		}
	}
	return nil, seen, false, nil, forgotten || px.isDead()
}

// accept runs phase 2: it sends accept(n, v) to every acceptor and reports
// whether a majority accepted, or a decision it heard of instead.
func (px *Paxos) accept(seq, n int, v any) (accepted bool, seen int, decided bool, dv any, over bool) {
	px.mu.Lock()
	args := AcceptArgs{Seq: seq, N: n, V: v, From: px.me, Done: px.dones[px.me]}
	px.mu.Unlock()
	replies := broadcast(px, "Paxos.Accept", args, func(r *AcceptReply) int { return r.Done }, false)
	oks, failed, forgotten := 0, 0, false
	for range px.peers {
		r := <-replies
		switch {
		case r == nil:
			failed++
		case r.Forgotten: // an acceptor that no longer takes part
			forgotten = true
			failed++
		case r.Decided:
			return false, seen, true, r.V, false
		case r.OK:
			oks++
			if oks == px.majority() {
				return true, seen, false, nil, false
			}
		default:
			seen = max(seen, r.Np)
			failed++
		}
		if failed > len(px.peers)-px.majority() {
			break
		}
	}
	return false, seen, false, nil, forgotten || px.isDead()
}

// broadcast sends args to method at every peer (itself included, unless
// others) at once and returns a channel that receives each peer's reply, or
// nil for a call that failed, in the order they come back; the Done value
// piggybacked on each reply (done) is noted first. The channel has room for
// every reply, so no sender blocks once the caller stops reading.
func broadcast[A, R any](px *Paxos, method string, args A, done func(*R) int, others bool) <-chan *R {
	replies := make(chan *R, len(px.peers))
	for i := range px.peers {
		if others && i == px.me {
			continue
		}
		go func() {
			a, r := args, new(R)
			if !px.call(i, method, &a, r) {
				r = nil
			} else {
				px.heardFrom(i, done(r))
			}
			replies <- r
		}()
	}
	return replies
}

// heardFrom records the Done value that peer i's reply carried.
func (px *Paxos) heardFrom(i, done int) {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.heardDone(i, done)
}

func (px *Paxos) isDead() bool {
	px.mu.Lock()
	defer px.mu.Unlock()
	return px.dead
}
