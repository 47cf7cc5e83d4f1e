package paxos

// A service's snapshot. A service that keeps its state as a snapshot
// through some instance calls DoneWithSnapshot instead of Done: the peer
// saves the snapshot with its own state, atomically, and may then forget
// those instances. A peer that lags behind (it missed instances while cut
// off or crashed) catches up by proposing for the instance it misses; an
// acceptor whose application is done with it answers Forgotten, with its
// snapshot. The lagging peer adopts a snapshot newer than its own as its
// own (SavedSnapshot), is done with every instance it covers, and its
// service restores it.

// DoneWithSnapshot is Done(seq) for a service that keeps a snapshot of its
// state through instance seq: the snapshot is saved together with the
// peer's state, in one Persister.Save, so that a crash keeps both or
// neither, and it is handed to peers that lag behind. The service reads it
// back with Persister.ReadSnapshot when it restarts. A snapshot older than
// the one the peer holds is ignored. The peer keeps the slice; the caller
// must not modify it.
func (px *Paxos) DoneWithSnapshot(seq int, snapshot []byte) {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.saveSnapshot(seq, snapshot)
}

// SavedSnapshot returns the newest snapshot this peer holds and the
// instance it runs through: the service's own, or a newer one adopted from
// another peer while catching up, which the service must restore before it
// goes on with instance seq+1. The caller must not modify it.
func (px *Paxos) SavedSnapshot() (seq int, snapshot []byte) {
	px.mu.Lock()
	defer px.mu.Unlock()
	return px.snapSeq, px.snapshot
}

// installSnapshot adopts another peer's snapshot if it is newer than ours.
func (px *Paxos) installSnapshot(seq int, snapshot []byte) {
	px.mu.Lock()
	defer px.mu.Unlock()
	if px.dead {
		return
	}
	px.lg.Printf("DONE", "adopting a snapshot through instance %d", seq)
	px.saveSnapshot(seq, snapshot)
	select {
	case px.changes <- struct{}{}:
	default:
	}
}

// saveSnapshot makes snapshot the peer's, if it is newer, and is done with
// the instances it covers. Caller holds px.mu.
func (px *Paxos) saveSnapshot(seq int, snapshot []byte) {
	if seq < px.snapSeq || (seq == px.snapSeq && px.snapshot != nil) {
		return
	}
	px.snapshot, px.snapSeq = snapshot, seq
	px.heardDone(px.me, seq)
	px.persist()
}
