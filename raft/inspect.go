package raft

// PeerState is a copy of a peer's internal state, for checkers and
// debuggers (distlab's invariant checker reads it); see Inspect.
type PeerState struct {
	Term        int    // currentTerm
	VotedFor    int    // -1 if none
	Leader      bool   // whether the peer leads in Term
	Role        string // "follower", "candidate" or "leader"
	CommitIndex int
	LastApplied int // the last index handed to the applier
	// The snapshot covers the log through SnapshotIndex, whose term is
	// SnapshotTerm; Log holds the entries after it: Log[k] is at index
	// SnapshotIndex+1+k.
	SnapshotIndex int
	SnapshotTerm  int
	Log           []LogEntry
}

// Inspect returns a copy of the peer's state. It is for checkers, not for
// services: a service learns what is committed from applyCh. The returned
// value is the caller's; the commands in it are shared and must not be
// modified.
func (rf *Raft) Inspect() PeerState {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return PeerState{
		Term:          rf.currentTerm,
		VotedFor:      rf.votedFor,
		Leader:        rf.role == leader,
		Role:          rf.role.String(),
		CommitIndex:   rf.commitIndex,
		LastApplied:   rf.lastApplied,
		SnapshotIndex: rf.log.base(),
		SnapshotTerm:  rf.log.baseTerm(),
		Log:           append([]LogEntry(nil), rf.log.entries[1:]...),
	}
}
