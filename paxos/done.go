package paxos

// Done tells the peer that this peer's application no longer needs
// instances up to and including seq (it will not call Status on them
// again). Other peers learn it from the messages this peer sends; once
// every peer has said Done(s), every instance up to s is forgotten
// everywhere. A seq lower than an earlier Done is ignored.
//
// From Done(seq) on, this peer takes no part as an acceptor in instances up
// to seq (it answers with the decided value, which it keeps until Min
// passes it), so Done is meant for instances the application has seen
// decided.
func (px *Paxos) Done(seq int) {
	px.mu.Lock()
	defer px.mu.Unlock()
	if seq <= px.dones[px.me] {
		return
	}
	px.lg.Printf("DONE", "done up to %d", seq)
	px.heardDone(px.me, seq)
	px.persist() // Min must not go back after a restart
}

// Min returns one more than the smallest Done of all peers, as far as this
// peer has heard; every instance below it is forgotten here. It never goes
// back, even across a crash and restart.
func (px *Paxos) Min() int {
	px.mu.Lock()
	defer px.mu.Unlock()
	return px.min()
}

// doneHere reports whether seq is below Min or covered by this peer's own
// Done. Caller holds px.mu.
func (px *Paxos) doneHere(seq int) bool { return seq < px.min() || seq <= px.dones[px.me] }

// min is Min; caller holds px.mu.
func (px *Paxos) min() int {
	m := px.dones[0]
	for _, d := range px.dones[1:] {
		m = min(m, d)
	}
	return m + 1
}

// heardDone records that peer i said Done(d) and forgets every instance
// that falls below Min as a result, on stable storage too. Caller holds
// px.mu.
func (px *Paxos) heardDone(i, d int) {
	if i < 0 || i >= len(px.dones) || d <= px.dones[i] {
		return
	}
	old := px.min()
	px.dones[i] = d
	if m := px.min(); m > old {
		px.forgetBelow(m)
	}
}

// forgetBelow frees every instance below m: the acceptor state and the
// value, so that the memory can be reclaimed. Caller holds px.mu.
func (px *Paxos) forgetBelow(m int) {
	for s := range px.insts {
		if s < m {
			delete(px.insts, s)
			delete(px.open, s)
		}
	}
	for _, u := range px.unacked {
		for s := range u {
			if s < m {
				delete(u, s)
			}
		}
	}
	px.persist()
	px.lg.Printf("DONE", "forgot every instance below %d", m)
}
