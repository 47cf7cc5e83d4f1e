package rsm

import (
	"fmt"
	"maps"
	"slices"
)

// handle processes one message from the consensus log. It runs on the
// replica's reader goroutine only.
func (r *RSM) handle(m ApplyMsg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case m.SnapshotValid:
		r.installSnapshot(m)
	case m.CommandValid:
		r.applyCommand(m)
	}
}

// installSnapshot replaces the state with a snapshot the log delivered (one
// sent by the leader to a lagging server). Caller holds r.mu.
func (r *RSM) installSnapshot(m ApplyMsg) {
	if m.SnapshotIndex <= r.lastApplied {
		return // older than what we have: nothing to learn
	}
	if err := r.restore(m.Snapshot); err != nil {
		// The log handed over bytes that we did not produce; applying
		// commands on top of a wrong state would diverge silently.
		panic(fmt.Sprintf("rsm: server %d cannot decode a snapshot delivered by its consensus log: %v", r.me, err))
	}
	if r.lastApplied != m.SnapshotIndex {
		// The commands between the two indices would be skipped or
		// applied twice: a bug in the log's snapshot bookkeeping.
		panic(fmt.Sprintf("rsm: server %d: the consensus log delivered a snapshot labelled index %d whose contents cover index %d",
			r.me, m.SnapshotIndex, r.lastApplied))
	}
	if r.observe != nil {
		r.observe(m)
	}
	// Whatever the snapshot covers is no longer ours to answer. The
	// waiters are woken in index order, not the map's random order, so
	// that a seed replays.
	for _, idx := range slices.Sorted(maps.Keys(r.waiters)) {
		if idx <= r.lastApplied {
			r.waiters[idx].ch <- outcome{err: ErrLeadershipLost}
			delete(r.waiters, idx)
		}
	}
	r.lg.Printf("SNAP", "installed snapshot up to index %d", r.lastApplied)
}

// applyCommand applies one committed command, answers the Submit waiting
// for its index, and snapshots if the log has grown too large. Caller holds
// r.mu.
func (r *RSM) applyCommand(m ApplyMsg) {
	if m.CommandIndex <= r.lastApplied {
		return // covered by a snapshot, or delivered twice
	}
	r.lastApplied = m.CommandIndex
	if r.observe != nil {
		r.observe(m)
	}
	e, ok := m.Command.(entry)
	if !ok {
		// Not one of ours (a log's own no-op entry): nothing to apply,
		// and no proposal of ours can have landed here.
		if w := r.waiters[m.CommandIndex]; w != nil {
			w.ch <- outcome{err: ErrLeadershipLost}
			delete(r.waiters, m.CommandIndex)
		}
		r.maybeSnapshot()
		return
	}
	result := r.applyOnce(e)
	if w := r.waiters[m.CommandIndex]; w != nil {
		if w.incarnation == e.Incarnation && w.tag == e.Tag && e.Origin == r.me {
			if r.lg.On("APPLY") {
				r.lg.Printf("APPLY", "index %d: own proposal (client %d seq %d) -> %v", m.CommandIndex, e.ClientID, e.Seq, result)
			}
			w.ch <- outcome{result: result}
		} else {
			w.ch <- outcome{err: ErrLeadershipLost}
		}
		delete(r.waiters, m.CommandIndex)
	}
	r.maybeSnapshot()
}

// applyOnce applies e's command unless e duplicates a request already
// applied, and returns the request's result. Caller holds r.mu.
func (r *RSM) applyOnce(e entry) any {
	if e.ClientID == 0 {
		return r.sm.Apply(e.Command)
	}
	if s, ok := r.sessions[e.ClientID]; ok && e.Seq <= s.Seq {
		if e.Seq == s.Seq {
			return s.Result
		}
		return nil // the client has moved on; no one waits for this
	}
	result := r.sm.Apply(e.Command)
	r.sessions[e.ClientID] = session{Seq: e.Seq, Result: result}
	return result
}
