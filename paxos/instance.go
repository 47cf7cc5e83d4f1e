package paxos

// instance is one run of single-decree Paxos, as this peer sees it: its
// acceptor's state and, once known, the decided value.
type instance struct {
	// np is the highest proposal number this acceptor answered a prepare
	// (or an accept) for: its promise. Invariant: np never decreases, and
	// np >= na.
	np int
	// na and va are the highest-numbered proposal this acceptor accepted
	// (na = 0: none yet, and va is nil).
	na int
	va any
	// decided is set once this peer learns the chosen value v.
	// Invariant: once set, neither decided nor v changes.
	decided bool
	v       any
	// vn is the number of the proposal v was chosen as, if this peer
	// knows it (0: not known). Only one value is ever proposed with a
	// number (proposer.go), so an acceptor that accepted proposal vn
	// accepted v.
	vn int
	// vref is the position (1-based) in the value log (persist.go) of
	// the instance's value: v once decided, else va; 0 when not logged
	// (va changed, or the log was rewritten). vlen is the size of its
	// record there.
	vref, vlen int
}

// instance returns instance seq, creating it if this peer has not seen it
// yet, and counts it in max. Caller holds px.mu and has checked that seq is
// not below min().
func (px *Paxos) instance(seq int) *instance {
	in, ok := px.insts[seq]
	if !ok {
		in = &instance{}
		px.insts[seq] = in
		px.open[seq] = in
	}
	px.max = max(px.max, seq)
	return in
}

// decide records that v was chosen for seq, as proposal number n (0: not
// known). It returns false (and changes nothing) if seq is forgotten or
// was already decided. Caller holds px.mu and persists afterwards.
func (px *Paxos) decide(seq int, v any, n int) bool {
	if px.doneHere(seq) {
		return false
	}
	in := px.instance(seq)
	if in.decided {
		return false
	}
	in.decided, in.v, in.vn = true, v, n
	if n == 0 || in.na != n {
		in.vref = 0 // v is to be logged (else it is, as va)
	}
	in.va = nil // no longer needed: an acceptor answers with the decision
	delete(px.open, seq)
	px.newlyDecided = append(px.newlyDecided, seq)
	select {
	case px.changes <- struct{}{}:
	default:
	}
	px.lg.Printf("DECIDE", "instance %d decided: %.40v", seq, v)
	return true
}
