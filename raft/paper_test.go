package raft

import (
	"math/rand/v2"
	"sync"
	"testing"

	"distlab/lablog"
	"distlab/labrpc"
)

// These tests drive one peer's decision logic directly, without a network or
// goroutines, and name the rule of the paper each checks.

// testPeer returns peer me of an n-peer cluster in term 1 as a follower,
// with the given log after index 0 (one term per entry). It has no ends and
// no goroutines; only its handlers and plain methods may be called.
func testPeer(t *testing.T, n, me int, terms ...int) *Raft {
	t.Helper()
	rf := &Raft{
		peers:     make([]*labrpc.ClientEnd, n),
		persister: MakePersister(),
		me:        me,
		applyCh:   make(chan ApplyMsg, 100),
		log_:      lablog.For(me),
		rand:      rand.New(rand.NewPCG(1, 2)),
		done:      make(chan struct{}),
		votedFor:  -1,
		log:       newLog(),
		leaderID:  -1,

		currentTerm: 1,
		tickerWake:  make(chan struct{}, 1),
	}
	rf.applyCond = sync.NewCond(&rf.mu)
	for k, term := range terms {
		rf.log.append(LogEntry{Term: term, Command: 100 + k + 1})
		rf.currentTerm = max(rf.currentTerm, term)
	}
	return rf
}

func logTerms(rf *Raft) []int {
	var out []int
	for i := rf.log.base() + 1; i <= rf.log.lastIndex(); i++ {
		out = append(out, rf.log.term(i))
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// §5.4.1: "the voter denies its vote if its own log is more up-to-date than
// that of the candidate."
func TestVoteDeniedToCandidateWhoseLogIsBehind(t *testing.T) {
	cases := []struct {
		name              string
		lastIndex, lastTm int
		granted           bool
	}{
		{"earlier last term", 5, 1, false},
		{"same last term, shorter", 2, 2, false},
		{"same last term, same length", 3, 2, true},
		{"later last term, shorter", 1, 3, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rf := testPeer(t, 3, 0, 1, 2, 2) // last entry: index 3, term 2
			var reply RequestVoteReply
			rf.RequestVote(&RequestVoteArgs{Term: 3, CandidateID: 1, LastLogIndex: c.lastIndex, LastLogTerm: c.lastTm}, &reply)
			if reply.VoteGranted != c.granted {
				t.Fatalf("vote granted %v, want %v", reply.VoteGranted, c.granted)
			}
			if rf.currentTerm != 3 || reply.Term != 3 {
				t.Fatalf("term %d (reply %d) after a RequestVote of term 3, want 3", rf.currentTerm, reply.Term)
			}
		})
	}
}

// Figure 2, RequestVote: "If votedFor is null or candidateId ... grant
// vote": at most one vote per term, and it survives a restart.
func TestAtMostOneVotePerTermEvenAcrossRestart(t *testing.T) {
	rf := testPeer(t, 3, 0)
	var r1, r2 RequestVoteReply
	rf.RequestVote(&RequestVoteArgs{Term: 2, CandidateID: 1}, &r1)
	if !r1.VoteGranted {
		t.Fatalf("first candidate of term 2 was refused")
	}
	restarted := testPeer(t, 3, 0)
	restarted.readPersist(rf.persister.ReadRaftState(), nil)
	restarted.RequestVote(&RequestVoteArgs{Term: 2, CandidateID: 2}, &r2)
	if r2.VoteGranted {
		t.Fatalf("a second candidate got a vote in term 2 after a restart")
	}
}

// §5.3: "If an existing entry conflicts with a new one (same index but
// different terms), delete the existing entry and all that follow it";
// entries that agree are kept, even when the request is older than the log.
func TestFollowerDeletesOnlyAConflictingSuffix(t *testing.T) {
	rf := testPeer(t, 3, 1, 1, 1, 2, 2)
	// A delayed request carrying a prefix of the log must not shorten it.
	var reply AppendEntriesReply
	rf.AppendEntries(&AppendEntriesArgs{Term: 2, LeaderID: 0, PrevLogIndex: 1, PrevLogTerm: 1,
		Entries: []LogEntry{{Term: 1, Command: 102}}}, &reply)
	if !reply.Success || !equalInts(logTerms(rf), []int{1, 1, 2, 2}) {
		t.Fatalf("after a stale prefix: success %v, log terms %v, want true and [1 1 2 2]", reply.Success, logTerms(rf))
	}
	// A conflict at index 3 removes 3 and 4.
	rf.AppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 0, PrevLogIndex: 2, PrevLogTerm: 1,
		Entries: []LogEntry{{Term: 3, Command: 7}}}, &reply)
	if !reply.Success || !equalInts(logTerms(rf), []int{1, 1, 3}) {
		t.Fatalf("after a conflict: success %v, log terms %v, want true and [1 1 3]", reply.Success, logTerms(rf))
	}
}

// §5.3, fast backup: a rejection names the conflicting term and its first
// index, so that the leader skips a whole term per round trip.
func TestRejectionCarriesConflictingTermAndItsFirstIndex(t *testing.T) {
	rf := testPeer(t, 3, 1, 1, 2, 2, 2)
	var reply AppendEntriesReply
	rf.AppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 0, PrevLogIndex: 4, PrevLogTerm: 3}, &reply)
	if reply.Success || reply.XTerm != 2 || reply.XIndex != 2 {
		t.Fatalf("reply %+v, want a rejection with XTerm 2 and XIndex 2", reply)
	}
	rf.AppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 0, PrevLogIndex: 9, PrevLogTerm: 3}, &reply)
	if reply.Success || reply.XTerm != -1 || reply.XLen != 5 {
		t.Fatalf("reply %+v, want a rejection with XTerm -1 and XLen 5", reply)
	}
}

// §5.4.2 (Figure 8): "Raft never commits log entries from previous terms by
// counting replicas. Only log entries from the leader's current term are
// committed by counting replicas."
func TestLeaderCommitsOldTermEntriesOnlyThroughCurrentTermEntry(t *testing.T) {
	rf := testPeer(t, 5, 0, 1, 2) // index 2 from term 2
	rf.currentTerm = 4
	rf.role = leader
	rf.matchIndex = []int{2, 2, 2, 0, 0} // a majority stores index 2
	rf.advanceCommit()
	if rf.commitIndex != 0 {
		t.Fatalf("commitIndex %d: an entry of term 2 was committed by counting in term 4", rf.commitIndex)
	}
	rf.log.append(LogEntry{Term: 4, Command: 9})
	rf.matchIndex = []int{3, 3, 3, 0, 0}
	rf.advanceCommit()
	if rf.commitIndex != 3 {
		t.Fatalf("commitIndex %d, want 3 once an entry of term 4 is on a majority", rf.commitIndex)
	}
}

// §7: a snapshot that covers no more than the follower has committed is
// stale (e.g. a delayed duplicate): it must not discard the log after it.
func TestFollowerIgnoresStaleSnapshot(t *testing.T) {
	rf := testPeer(t, 3, 1, 1, 1, 1, 1, 1, 1)
	var ar AppendEntriesReply
	rf.AppendEntries(&AppendEntriesArgs{Term: 1, LeaderID: 0, PrevLogIndex: 6, PrevLogTerm: 1, LeaderCommit: 5}, &ar)
	if rf.commitIndex != 5 {
		t.Fatalf("commitIndex %d, want 5", rf.commitIndex)
	}
	var sr InstallSnapshotReply
	rf.InstallSnapshot(&InstallSnapshotArgs{Term: 1, LeaderID: 0, LastIncludedIndex: 3, LastIncludedTerm: 1, Data: []byte("old")}, &sr)
	if rf.log.base() != 0 || rf.log.lastIndex() != 6 || rf.pendingSnapshot != nil {
		t.Fatalf("stale snapshot changed the log to %d..%d (pending %v)", rf.log.base(), rf.log.lastIndex(), rf.pendingSnapshot != nil)
	}
	// A newer one is installed, and the entries after it are kept.
	rf.InstallSnapshot(&InstallSnapshotArgs{Term: 1, LeaderID: 0, LastIncludedIndex: 6, LastIncludedTerm: 1, Data: []byte("new")}, &sr)
	if rf.log.base() != 6 || rf.commitIndex != 6 || rf.pendingSnapshot == nil || rf.pendingSnapshot.SnapshotIndex != 6 {
		t.Fatalf("snapshot through 6 not installed: log %d..%d commit %d", rf.log.base(), rf.log.lastIndex(), rf.commitIndex)
	}
}

// §7: "If existing log entry has same index and term as snapshot's last
// included entry, retain log entries following it"; otherwise discard.
func TestSnapshotKeepsMatchingSuffixAndDropsConflictingLog(t *testing.T) {
	rf := testPeer(t, 3, 1, 1, 1, 2, 2)
	var sr InstallSnapshotReply
	rf.InstallSnapshot(&InstallSnapshotArgs{Term: 2, LeaderID: 0, LastIncludedIndex: 2, LastIncludedTerm: 1}, &sr)
	if !equalInts(logTerms(rf), []int{2, 2}) || rf.log.base() != 2 {
		t.Fatalf("log after snapshot through 2: base %d terms %v, want base 2 and [2 2]", rf.log.base(), logTerms(rf))
	}
	rf2 := testPeer(t, 3, 1, 1, 1, 2, 2)
	rf2.InstallSnapshot(&InstallSnapshotArgs{Term: 3, LeaderID: 0, LastIncludedIndex: 3, LastIncludedTerm: 3}, &sr)
	if rf2.log.base() != 3 || rf2.log.lastIndex() != 3 {
		t.Fatalf("conflicting log kept: %d..%d, want empty after 3", rf2.log.base(), rf2.log.lastIndex())
	}
}

// Persistence: what a peer saves is what its successor restores, including
// the snapshot's base and the log after it.
func TestPersistedStateRestoresTermVoteAndLog(t *testing.T) {
	rf := testPeer(t, 3, 0, 1, 1, 2, 3, 3)
	rf.votedFor = 2
	rf.commitIndex = 3
	rf.Snapshot(2, []byte("snap"))
	rf.persist()
	got := testPeer(t, 3, 0)
	got.readPersist(rf.persister.ReadRaftState(), rf.persister.ReadSnapshot())
	if got.currentTerm != rf.currentTerm || got.votedFor != 2 || got.log.base() != 2 || got.log.baseTerm() != 1 ||
		!equalInts(logTerms(got), []int{2, 3, 3}) || string(got.snapshot) != "snap" {
		t.Fatalf("restored term %d vote %d base %d/t%d log %v snapshot %q", got.currentTerm, got.votedFor,
			got.log.base(), got.log.baseTerm(), logTerms(got), got.snapshot)
	}
	if got.log.command(5) != 105 {
		t.Fatalf("restored command at 5 is %v, want 105", got.log.command(5))
	}
}

// Figure 2, AppendEntries: "If leaderCommit > commitIndex, set commitIndex =
// min(leaderCommit, index of last new entry)". The follower's entries after
// those the message confirmed may be an old leader's uncommitted suffix, so
// the leader's commit index says nothing about them. (Our leader's messages
// always carry its log up to its commit index, except at the batch limit,
// where the fast backup has already found the conflict; so no cluster run
// reaches this case, but a leader that sends empty heartbeats from a
// lagging nextIndex does.)
func TestFollowerCommitsOnlyEntriesTheLeaderConfirmed(t *testing.T) {
	cases := []struct {
		name    string
		args    AppendEntriesArgs
		confirm int
	}{
		{"heartbeat after the common prefix", AppendEntriesArgs{PrevLogIndex: 2, PrevLogTerm: 1}, 2},
		{"entries of the common prefix", AppendEntriesArgs{PrevLogIndex: 0, PrevLogTerm: 0,
			Entries: []LogEntry{{Term: 1, Command: 101}}}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Indices 3 and 4 come from a leader of term 2 and were never
			// committed; the leader of term 3 holds [1 1 3 3 3] and has
			// committed all five.
			rf := testPeer(t, 3, 1, 1, 1, 2, 2)
			args := c.args
			args.Term, args.LeaderID, args.LeaderCommit = 3, 0, 5
			var reply AppendEntriesReply
			rf.AppendEntries(&args, &reply)
			if !reply.Success || rf.commitIndex != c.confirm {
				t.Fatalf("success %v, commitIndex %d; want true and %d: entries the leader did not confirm were committed (log terms %v)",
					reply.Success, rf.commitIndex, c.confirm, logTerms(rf))
			}
		})
	}
}
