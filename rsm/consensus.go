package rsm

// Consensus is what the RSM needs from a consensus log. *raft.Raft satisfies
// it, and so does rsm/paxoslog's Log over a Paxos peer.
//
// The words are Raft's, the meaning is any log's: a "term" is a period in
// which this peer's proposals may commit at the index Start returned, and
// "isLeader" says whether this peer may propose now. A leaderless log
// (Paxos) reports (0, true) throughout: every peer proposes, and a proposal
// that loses its slot shows when another command is applied there, which
// the RSM detects by the tag of its entry (ErrLeadershipLost) whatever the
// term says.
//
// All methods must be safe to call concurrently with each other and with the
// log delivering ApplyMsgs, and must not block for long: the RSM calls Start
// and Snapshot while holding its own mutex (lock order: RSM, then log). The RSM calls Snapshot from the goroutine that
// reads the apply channel, so the log must not hold a lock that Snapshot needs
// while it blocks sending on that channel. After Kill the log must neither
// block nor send on the apply channel forever: the RSM stops reading it.
type Consensus interface {
	// Start proposes command for the next log slot. It returns at once: the
	// slot's index, the proposer's current term, and whether it believes
	// it is the leader (if not, the command is dropped).
	Start(command any) (index, term int, isLeader bool)
	// GetState reports the current term and whether this peer believes it
	// is the leader.
	GetState() (term int, isLeader bool)
	// Snapshot tells the log that snapshot holds the service's state up to
	// and including index, so it may discard entries up to index. The log
	// keeps the snapshot bytes (it must not modify them).
	Snapshot(index int, snapshot []byte)
	// Kill stops the log's goroutines.
	Kill()
}

// ApplyMsg is one message from the consensus log to the RSM: either a
// committed command (CommandValid) or a snapshot to install (SnapshotValid).
// It has the fields of raft.ApplyMsg, so a raft message converts field by
// field. Commands arrive in index order, each once per process lifetime; a
// snapshot replaces the state up to SnapshotIndex. The RSM does not modify
// Snapshot.
type ApplyMsg struct {
	CommandValid bool
	Command      any
	CommandIndex int

	SnapshotValid bool
	Snapshot      []byte
	SnapshotTerm  int
	SnapshotIndex int
}
