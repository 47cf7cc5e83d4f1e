package raft

// InstallSnapshotArgs is the InstallSnapshot RPC's request (Figure 13). The
// whole snapshot goes in one message.
type InstallSnapshotArgs struct {
	Term              int // leader's term
	LeaderID          int
	LastIncludedIndex int // the snapshot replaces the log through this index
	LastIncludedTerm  int // term of the entry at LastIncludedIndex
	Data              []byte
}

// InstallSnapshotReply is the InstallSnapshot RPC's reply.
type InstallSnapshotReply struct {
	Term int
}

// Snapshot tells the peer that the service has saved its state through log
// index index in snapshot, so the peer may discard the log up to there. The
// service calls it only with an index it has seen on applyCh; an index at or
// before the current snapshot's, or beyond what is committed, is ignored.
// The peer keeps snapshot (the caller must not modify it afterwards) and
// saves it with its state.
func (rf *Raft) Snapshot(index int, snapshot []byte) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() || index <= rf.log.base() || index > rf.commitIndex || index > rf.log.lastIndex() {
		return
	}
	rf.log.compact(index, rf.log.term(index))
	rf.snapshot = snapshot
	rf.persist()
	rf.log_.Printf("SNAP", "service snapshot through %d; log now %d..%d", index, rf.log.base(), rf.log.lastIndex())
}

// sendSnapshot sends follower i the snapshot (nextIndex[i] is at or before
// its base). The leader calls it with rf.mu held, from sendTo.
func (rf *Raft) sendSnapshot(i int) {
	args := InstallSnapshotArgs{
		Term:              rf.currentTerm,
		LeaderID:          rf.me,
		LastIncludedIndex: rf.log.base(),
		LastIncludedTerm:  rf.log.baseTerm(),
		Data:              rf.snapshot, // never modified in place, so safe to share
	}
	rf.log_.Printf("SNAP", "sends snapshot through %d to S%d", args.LastIncludedIndex, i)
	rf.send(func() { rf.installSnapshot(i, args) })
}

// installSnapshot sends one InstallSnapshot and handles the reply. It ends
// when the Call returns.
func (rf *Raft) installSnapshot(i int, args InstallSnapshotArgs) {
	var reply InstallSnapshotReply
	ok := rf.peers[i].Call("Raft.InstallSnapshot", &args, &reply)
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	if !ok {
		rf.callFailed(i, args.Term)
		return
	}
	if rf.observeTerm(reply.Term) || rf.role != leader || rf.currentTerm != args.Term {
		return
	}
	rf.inflight[i] = false
	if args.LastIncludedIndex > rf.matchIndex[i] {
		rf.matchIndex[i] = args.LastIncludedIndex
		rf.advanceCommit()
	}
	if args.LastIncludedIndex+1 > rf.nextIndex[i] {
		rf.nextIndex[i] = args.LastIncludedIndex + 1
	}
	if rf.pending[i] || rf.nextIndex[i] <= rf.log.lastIndex() {
		rf.sendTo(i, false)
	}
}

// InstallSnapshot is the InstallSnapshot RPC handler (Figure 13, §7). A
// snapshot that covers no more than this peer has committed is ignored: the
// peer's own log already holds (and will apply) what it describes. Otherwise
// the peer keeps the log entries after the snapshot if they agree with it,
// discards the rest, and hands the snapshot to the service through applyCh.
func (rf *Raft) InstallSnapshot(args *InstallSnapshotArgs, reply *InstallSnapshotReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	var fromLeader bool
	if reply.Term, fromLeader = rf.heardFromLeader(args.Term, args.LeaderID); !fromLeader {
		return
	}
	if args.LastIncludedIndex <= rf.commitIndex {
		return
	}
	rf.log.compact(args.LastIncludedIndex, args.LastIncludedTerm)
	rf.snapshot = args.Data
	rf.persist()
	rf.commitIndex = args.LastIncludedIndex
	rf.pendingSnapshot = &ApplyMsg{
		SnapshotValid: true,
		Snapshot:      args.Data,
		SnapshotTerm:  args.LastIncludedTerm,
		SnapshotIndex: args.LastIncludedIndex,
	}
	rf.applyCond.Signal()
	rf.log_.Printf("SNAP", "installs snapshot through %d/t%d from S%d", args.LastIncludedIndex, args.LastIncludedTerm, args.LeaderID)
}
