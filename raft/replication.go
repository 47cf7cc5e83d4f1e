package raft

import "time"

// AppendEntriesArgs is the AppendEntries RPC's request (Figure 2).
type AppendEntriesArgs struct {
	Term         int // leader's term
	LeaderID     int
	PrevLogIndex int        // index of the entry just before Entries
	PrevLogTerm  int        // term of the entry at PrevLogIndex
	Entries      []LogEntry // empty for a heartbeat
	LeaderCommit int        // leader's commitIndex
}

// AppendEntriesReply is the AppendEntries RPC's reply. On a mismatch it
// carries the hints of the fast backup (§5.3, "the follower can include the
// term of the conflicting entry and the first index it stores for that
// term"): XTerm is the term of the follower's entry at PrevLogIndex (-1 when
// its log is shorter) and XIndex the first index it holds of that term; XLen
// is the index just past the follower's log.
type AppendEntriesReply struct {
	Term    int
	Success bool
	XTerm   int
	XIndex  int
	XLen    int
}

// Start proposes command for the log. If this peer is not the leader it
// returns isLeader false and does nothing. Otherwise it appends the command
// and returns at once, with the index the command will have if it is ever
// committed and the current term; replication starts immediately, without
// waiting for a heartbeat. There is no guarantee the command will be
// committed: the leader may fail or lose an election first.
func (rf *Raft) Start(command interface{}) (int, int, bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() || rf.role != leader {
		return -1, rf.currentTerm, false
	}
	rf.log.append(LogEntry{Term: rf.currentTerm, Command: command})
	index := rf.log.lastIndex()
	rf.matchIndex[rf.me] = index
	rf.persist()
	if rf.log_.On("APPEND") {
		rf.log_.Printf("APPEND", "leader appends index %d in term %d", index, rf.currentTerm)
	}
	if len(rf.peers) == 1 {
		rf.advanceCommit()
	}
	for i := range rf.peers {
		if i != rf.me {
			rf.sendTo(i, false)
		}
	}
	return index, rf.currentTerm, true
}

// sendTo sends follower i what it needs next: the entries from nextIndex[i]
// (an empty AppendEntries when it is up to date), or the snapshot when
// nextIndex[i] is at or before the snapshot's base. Unless heartbeat is set,
// at most one call is in flight per follower: a request for another one is
// remembered and served when the reply arrives, so that a burst of Starts
// goes out as one batch. The leader calls it with rf.mu held.
func (rf *Raft) sendTo(i int, heartbeat bool) {
	if !heartbeat && rf.inflight[i] {
		rf.pending[i] = true
		return
	}
	rf.inflight[i] = true
	rf.pending[i] = false
	rf.lastSent[i] = time.Now()
	if rf.nextIndex[i] <= rf.log.base() {
		rf.sendSnapshot(i)
		return
	}
	prev := rf.nextIndex[i] - 1
	args := AppendEntriesArgs{
		Term:         rf.currentTerm,
		LeaderID:     rf.me,
		PrevLogIndex: prev,
		PrevLogTerm:  rf.log.term(prev),
		Entries:      rf.log.from(prev+1, maxBatch),
		LeaderCommit: rf.commitIndex,
	}
	rf.send(func() { rf.appendEntries(i, args) })
}

// appendEntries sends one AppendEntries and handles the reply. It ends when
// the Call returns.
func (rf *Raft) appendEntries(i int, args AppendEntriesArgs) {
	var reply AppendEntriesReply
	ok := rf.peers[i].Call("Raft.AppendEntries", &args, &reply)
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	if !ok {
		rf.callFailed(i, args.Term)
		return
	}
	rf.handleAppendReply(i, args, reply)
}

// callFailed notes that a call to follower i in term got no reply. The next
// heartbeat retries; retrying at once would only flood a partitioned peer.
func (rf *Raft) callFailed(i, term int) {
	if rf.role == leader && rf.currentTerm == term {
		rf.inflight[i] = false
	}
}

// handleAppendReply updates follower i's progress from a reply to args, and
// sends more at once if the follower is behind.
func (rf *Raft) handleAppendReply(i int, args AppendEntriesArgs, reply AppendEntriesReply) {
	if rf.observeTerm(reply.Term) {
		return
	}
	if rf.role != leader || rf.currentTerm != args.Term {
		return // a reply from an earlier term tells nothing about now
	}
	rf.inflight[i] = false
	if reply.Success {
		match := args.PrevLogIndex + len(args.Entries)
		if match > rf.matchIndex[i] {
			rf.matchIndex[i] = match
			rf.advanceCommit()
		}
		if match+1 > rf.nextIndex[i] {
			rf.nextIndex[i] = match + 1
		}
	} else {
		rf.nextIndex[i] = rf.backup(args, reply)
		if rf.nextIndex[i] <= rf.matchIndex[i] {
			// A reordered reply: never go back past what is known to match.
			rf.nextIndex[i] = rf.matchIndex[i] + 1
		}
		rf.log_.Printf("APPEND", "S%d rejects prev %d/t%d (XTerm %d XIndex %d XLen %d): next %d",
			i, args.PrevLogIndex, args.PrevLogTerm, reply.XTerm, reply.XIndex, reply.XLen, rf.nextIndex[i])
		// Retry at once only if the leader backed up: a retry that cannot
		// make progress waits for the next heartbeat instead of spinning.
		if rf.nextIndex[i] <= args.PrevLogIndex {
			rf.pending[i] = true
		}
	}
	if rf.pending[i] || rf.nextIndex[i] <= rf.log.lastIndex() {
		rf.sendTo(i, false)
	}
}

// backup computes the nextIndex for a follower that rejected args, from the
// follower's hints: skip the follower's whole conflicting term if the leader
// has no entry of it, else resume just past the leader's last entry of it.
func (rf *Raft) backup(args AppendEntriesArgs, reply AppendEntriesReply) int {
	if reply.XTerm == -1 {
		if reply.XLen < 1 {
			return 1
		}
		return min(reply.XLen, args.PrevLogIndex)
	}
	if last := rf.log.lastIndexOfTerm(reply.XTerm); last != -1 {
		return min(last+1, args.PrevLogIndex)
	}
	return min(max(reply.XIndex, 1), args.PrevLogIndex)
}

// advanceCommit moves commitIndex to the highest index of the current term
// that a majority stores (§5.3, §5.4.2: entries of earlier terms are
// committed only indirectly, by committing a current-term entry after them).
func (rf *Raft) advanceCommit() {
	for n := rf.log.lastIndex(); n > rf.commitIndex && n > rf.log.base(); n-- {
		t := rf.log.term(n)
		if t < rf.currentTerm {
			break
		}
		if t > rf.currentTerm {
			continue
		}
		count := 0
		for i := range rf.peers {
			if rf.matchIndex[i] >= n {
				count++
			}
		}
		if count >= rf.majority() {
			if rf.log_.On("COMMIT") {
				rf.log_.Printf("COMMIT", "leader commits through %d in term %d", n, rf.currentTerm)
			}
			rf.setCommitIndex(n)
			return
		}
	}
}

// setCommitIndex raises commitIndex to n and wakes the applier.
func (rf *Raft) setCommitIndex(n int) {
	if n > rf.commitIndex {
		rf.commitIndex = n
		rf.applyCond.Signal()
	}
}

// heardFromLeader applies the rules that every RPC from a leader shares
// (AppendEntries and InstallSnapshot; Figure 2, "Rules for Servers"): a
// newer term is adopted; a message from a stale term is refused (ok false);
// a message of the current term comes from its one leader, which this peer
// follows, and resets the election timer. It returns the term for the reply.
// The caller holds rf.mu.
func (rf *Raft) heardFromLeader(term, leaderID int) (currentTerm int, ok bool) {
	rf.observeTerm(term)
	if term < rf.currentTerm {
		return rf.currentTerm, false
	}
	// term == currentTerm: the sender is this term's leader.
	if rf.role != follower {
		rf.becomeFollower(term)
	}
	rf.leaderID = leaderID
	rf.resetElectionTimer()
	rf.wakeTicker()
	return rf.currentTerm, true
}

// AppendEntries is the AppendEntries RPC handler (Figure 2, §5.3): accept
// the leader of the current term, check that the log holds PrevLogIndex with
// PrevLogTerm, delete a conflicting suffix, append what is new, and follow
// the leader's commitIndex as far as the entries it sent.
func (rf *Raft) AppendEntries(args *AppendEntriesArgs, reply *AppendEntriesReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	var fromLeader bool
	if reply.Term, fromLeader = rf.heardFromLeader(args.Term, args.LeaderID); !fromLeader {
		return
	}

	prev, entries := args.PrevLogIndex, args.Entries
	if prev < rf.log.base() {
		// The snapshot covers prev and some entries: those are committed and
		// therefore match the leader's; skip them.
		skip := rf.log.base() - prev
		if skip >= len(entries) {
			reply.Success = true
			return
		}
		prev, entries = rf.log.base(), entries[skip:]
	} else if prev > rf.log.lastIndex() {
		reply.XTerm, reply.XLen = -1, rf.log.lastIndex()+1
		return
	} else if t := rf.log.term(prev); t != args.PrevLogTerm {
		reply.XTerm, reply.XIndex = t, rf.log.firstIndexOfTerm(prev)
		reply.XLen = rf.log.lastIndex() + 1
		return
	}
	changed := false
	for k, e := range entries {
		idx := prev + 1 + k
		if idx <= rf.log.lastIndex() {
			if rf.log.term(idx) == e.Term {
				continue
			}
			rf.log_.Printf("APPEND", "drops conflicting entries from %d (t%d, leader has t%d)", idx, rf.log.term(idx), e.Term)
			rf.log.truncateFrom(idx)
		}
		rf.log.append(entries[k:]...)
		changed = true
		break
	}
	if changed {
		rf.persist()
		if rf.log_.On("APPEND") {
			rf.log_.Printf("APPEND", "appends through %d from S%d in term %d", rf.log.lastIndex(), args.LeaderID, args.Term)
		}
	}
	reply.Success = true
	if args.LeaderCommit > rf.commitIndex {
		rf.setCommitIndex(min(args.LeaderCommit, prev+len(entries)))
	}
}
