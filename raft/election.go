package raft

import "time"

// RequestVoteArgs is the RequestVote RPC's request (Figure 2).
type RequestVoteArgs struct {
	Term         int // candidate's term
	CandidateID  int
	LastLogIndex int // index of the candidate's last log entry
	LastLogTerm  int // term of the candidate's last log entry
}

// RequestVoteReply is the RequestVote RPC's reply.
type RequestVoteReply struct {
	Term        int // the voter's currentTerm, for the candidate to update itself
	VoteGranted bool
}

// ticker starts elections when the election timer runs out and, while the
// peer leads, sends heartbeats. It sleeps on a timer until the next deadline
// (or a poke on tickerWake) and ends when the peer is killed.
func (rf *Raft) ticker() {
	defer rf.wg.Done()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-rf.done:
			return
		case <-timer.C:
		case <-rf.tickerWake:
		}
		rf.mu.Lock()
		if rf.killed() {
			rf.mu.Unlock()
			return
		}
		wait := rf.tick(time.Now())
		rf.mu.Unlock()
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// tick does what is due at now and returns how long until the next thing is
// due. A leader sends a heartbeat to every follower it has not contacted for
// heartbeatInterval; a follower or candidate whose election timer has run
// out starts an election.
func (rf *Raft) tick(now time.Time) time.Duration {
	if rf.role == leader {
		next := now.Add(heartbeatInterval)
		for i := range rf.peers {
			if i == rf.me {
				continue
			}
			due := rf.lastSent[i].Add(heartbeatInterval)
			if !now.Before(due) {
				rf.sendTo(i, true)
				due = rf.lastSent[i].Add(heartbeatInterval)
			}
			if due.Before(next) {
				next = due
			}
		}
		return next.Sub(now)
	}
	if !now.Before(rf.electionDeadline) {
		rf.log_.Printf("TIMER", "election timeout in term %d as %v", rf.currentTerm, rf.role)
		rf.startElection()
	}
	return rf.electionDeadline.Sub(now)
}

// resetElectionTimer draws a new random election timeout from now.
func (rf *Raft) resetElectionTimer() {
	d := electionTimeoutMin + time.Duration(rf.rand.Int64N(int64(electionTimeoutSpread)))
	rf.electionDeadline = time.Now().Add(d)
}

// becomeFollower moves to term (if later) as a follower. A new term clears
// the vote. The caller persists.
func (rf *Raft) becomeFollower(term int) {
	if term > rf.currentTerm {
		rf.log_.Printf("TERM", "term %d -> %d as follower", rf.currentTerm, term)
		rf.currentTerm = term
		rf.votedFor = -1
		rf.leaderID = -1
	}
	if rf.role != follower {
		rf.log_.Printf("LEAD", "steps down to follower in term %d", rf.currentTerm)
		rf.role = follower
		rf.wakeTicker()
	}
}

// observeTerm handles a term seen in any RPC request or reply: a later term
// turns the peer into a follower of that term (Figure 2, "All Servers").
// It reports whether the term was later.
func (rf *Raft) observeTerm(term int) bool {
	if term <= rf.currentTerm {
		return false
	}
	rf.becomeFollower(term)
	rf.persist()
	return true
}

// startElection begins a new term as a candidate, votes for itself and asks
// every other peer for its vote.
func (rf *Raft) startElection() {
	rf.role = candidate
	rf.currentTerm++
	rf.votedFor = rf.me
	rf.leaderID = -1
	rf.votes = 1
	rf.persist()
	rf.resetElectionTimer()
	rf.log_.Printf("VOTE", "starts election for term %d (last %d/t%d)", rf.currentTerm, rf.log.lastIndex(), rf.log.lastTerm())
	if rf.votes >= rf.majority() {
		rf.becomeLeader()
		return
	}
	args := RequestVoteArgs{
		Term:         rf.currentTerm,
		CandidateID:  rf.me,
		LastLogIndex: rf.log.lastIndex(),
		LastLogTerm:  rf.log.lastTerm(),
	}
	for i := range rf.peers {
		if i != rf.me {
			rf.send(func() { rf.requestVote(i, args) })
		}
	}
}

// requestVote sends one RequestVote and counts the answer. It ends when the
// Call returns.
func (rf *Raft) requestVote(i int, args RequestVoteArgs) {
	var reply RequestVoteReply
	if !rf.peers[i].Call("Raft.RequestVote", &args, &reply) {
		return
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	rf.handleVoteReply(i, args, reply)
}

// handleVoteReply counts a vote; a majority in the same term makes the
// candidate leader.
func (rf *Raft) handleVoteReply(i int, args RequestVoteArgs, reply RequestVoteReply) {
	if rf.observeTerm(reply.Term) {
		return
	}
	if rf.role != candidate || rf.currentTerm != args.Term || !reply.VoteGranted {
		return
	}
	rf.votes++
	rf.log_.Printf("VOTE", "vote from S%d in term %d (%d/%d)", i, args.Term, rf.votes, len(rf.peers))
	if rf.votes == rf.majority() {
		rf.becomeLeader()
	}
}

// RequestVote is the RequestVote RPC handler (Figure 2, §5.2, §5.4.1): grant
// the vote if the candidate's term is current, this peer has not voted for
// another candidate in it, and the candidate's log is at least as
// up-to-date as this peer's.
func (rf *Raft) RequestVote(args *RequestVoteArgs, reply *RequestVoteReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	rf.observeTerm(args.Term)
	reply.Term = rf.currentTerm
	if args.Term < rf.currentTerm {
		return
	}
	if rf.votedFor != -1 && rf.votedFor != args.CandidateID {
		return
	}
	if !rf.log.upToDate(args.LastLogIndex, args.LastLogTerm) {
		rf.log_.Printf("VOTE", "refuses S%d in term %d: its log %d/t%d is behind %d/t%d",
			args.CandidateID, args.Term, args.LastLogIndex, args.LastLogTerm, rf.log.lastIndex(), rf.log.lastTerm())
		return
	}
	if rf.votedFor != args.CandidateID {
		rf.votedFor = args.CandidateID
		rf.persist()
	}
	reply.VoteGranted = true
	rf.resetElectionTimer()
	rf.wakeTicker()
	rf.log_.Printf("VOTE", "grants vote to S%d in term %d", args.CandidateID, args.Term)
}

// becomeLeader takes the lead in currentTerm: every follower's nextIndex
// starts just past this peer's log, and an AppendEntries goes to each at once
// to assert leadership.
func (rf *Raft) becomeLeader() {
	rf.role = leader
	rf.leaderID = rf.me
	n := len(rf.peers)
	rf.nextIndex = make([]int, n)
	rf.matchIndex = make([]int, n)
	rf.inflight = make([]bool, n)
	rf.pending = make([]bool, n)
	rf.lastSent = make([]time.Time, n)
	for i := range rf.peers {
		rf.nextIndex[i] = rf.log.lastIndex() + 1
	}
	rf.matchIndex[rf.me] = rf.log.lastIndex()
	rf.log_.Printf("LEAD", "becomes leader of term %d (last %d/t%d)", rf.currentTerm, rf.log.lastIndex(), rf.log.lastTerm())
	for i := range rf.peers {
		if i != rf.me {
			rf.sendTo(i, true)
		}
	}
	rf.wakeTicker()
}
