package raft

import (
	"bytes"
	"fmt"

	"distlab/labgob"
)

// persistentState is what a peer saves: Figure 2's persistent state plus the
// snapshot's last index and term (§7). Fields are exported for labgob.
type persistentState struct {
	CurrentTerm int
	VotedFor    int
	LogStart    int     // log.base()
	Entries     []entry // log.entries, sentinel first
}

// persist saves currentTerm, votedFor, the log and the snapshot. It runs
// with rf.mu held, before the peer answers an RPC or sends one that depends
// on the saved state, so nothing it promised is forgotten in a crash.
func (rf *Raft) persist() {
	var buf bytes.Buffer
	enc := labgob.NewEncoder(&buf)
	st := persistentState{
		CurrentTerm: rf.currentTerm,
		VotedFor:    rf.votedFor,
		LogStart:    rf.log.start,
		Entries:     rf.log.entries,
	}
	if err := enc.Encode(&st); err != nil {
		// Only a command of a type gob cannot encode gets here; that is a bug
		// in the service (labgob.Register it), not a condition to survive.
		panic(fmt.Errorf("raft: S%d cannot persist its state (register command types with labgob.Register): %w", rf.me, err))
	}
	rf.persister.Save(buf.Bytes(), rf.snapshot)
	rf.log_.Printf("PERSIST", "saves term %d vote %d log %d..%d (%d bytes)",
		rf.currentTerm, rf.votedFor, rf.log.base(), rf.log.lastIndex(), buf.Len())
}

// readPersist restores the state a predecessor saved; an empty state leaves
// the peer as new.
func (rf *Raft) readPersist(data, snapshot []byte) {
	if len(data) == 0 {
		return
	}
	var st persistentState
	if err := labgob.NewDecoder(bytes.NewReader(data)).Decode(&st); err != nil {
		panic(fmt.Errorf("raft: S%d cannot decode its persisted state (%d bytes): %w", rf.me, len(data), err))
	}
	if len(st.Entries) == 0 {
		panic(fmt.Errorf("raft: S%d: persisted log has no sentinel entry", rf.me))
	}
	rf.currentTerm = st.CurrentTerm
	rf.votedFor = st.VotedFor
	rf.log = raftLog{start: st.LogStart, entries: st.Entries}
	rf.snapshot = snapshot
}
