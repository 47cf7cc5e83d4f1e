package paxos

import "time"

// Learning (section 2.3 of the paper). A proposer whose value a majority
// accepted, or that found out from an acceptor that an instance is decided,
// tells every other peer; it keeps a per-peer set of decisions that peer has
// not acknowledged (px.unacked), and one sender goroutine per peer (teach)
// sends them in batches, retrying with a growing pause while the peer does
// not answer. So a peer that receives nothing for a while still learns every
// decision once it hears again, without having Started anything itself.

const (
	// learnBatch bounds the decisions carried by one Learn message.
	learnBatch = 64
	// learnRetryMin and learnRetryMax bound the pause before a sender
	// retries a peer that did not answer; it doubles on each failure.
	learnRetryMin = 20 * time.Millisecond
	learnRetryMax = time.Second
)

// queueLearn schedules decided instance seq to be told to every other peer.
// Caller holds px.mu.
func (px *Paxos) queueLearn(seq int) {
	for i, u := range px.unacked {
		if i != px.me {
			u[seq] = true
		}
	}
	px.learnCond.Broadcast()
}

// Learn records decisions that another peer found. It is on stable storage
// before the acknowledgement leaves.
func (px *Paxos) Learn(args *LearnArgs, reply *LearnReply) {
	px.mu.Lock()
	defer px.mu.Unlock()
	reply.Done = px.dones[px.me]
	if px.dead {
		return
	}
	px.heardDone(args.From, args.Done)
	changed := false
	for _, d := range args.Decisions {
		if px.decide(d.Seq, d.V, d.N) {
			changed = true
		}
	}
	if changed {
		px.persist()
	}
}

// teach is the sender of decisions to peer i; it runs until Kill.
func (px *Paxos) teach(i int) {
	defer px.wg.Done()
	pause := learnRetryMin
	for {
		px.mu.Lock()
		for !px.dead && len(px.unacked[i]) == 0 {
			px.learnCond.Wait()
		}
		if px.dead {
			px.mu.Unlock()
			return
		}
		args := &LearnArgs{From: px.me, Done: px.dones[px.me]}
		for s := range px.unacked[i] {
			in, ok := px.insts[s]
			if !ok || !in.decided {
				delete(px.unacked[i], s) // forgotten since
				continue
			}
			args.Decisions = append(args.Decisions, Decision{Seq: s, V: in.v, N: in.vn})
			if len(args.Decisions) == learnBatch {
				break
			}
		}
		px.mu.Unlock()
		if len(args.Decisions) == 0 {
			continue
		}

		var reply LearnReply
		ok := px.peers[i].Call("Paxos.Learn", args, &reply)

		px.mu.Lock()
		if ok {
			px.heardDone(i, reply.Done)
			for _, d := range args.Decisions {
				delete(px.unacked[i], d.Seq)
			}
			pause = learnRetryMin
			px.mu.Unlock()
			continue
		}
		wait := pause/2 + time.Duration(px.rand.Int64N(int64(pause)))
		pause = min(2*pause, learnRetryMax)
		px.mu.Unlock()
		if !px.sleep(wait) {
			return
		}
	}
}

// sleep waits for d, or until Kill; it reports whether the peer is still
// alive. It must not be called with px.mu held.
func (px *Paxos) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-px.done:
		return false
	}
}
