// Package raft is a Raft consensus peer: leader election, log replication,
// persistence and snapshots, as described in "In Search of an Understandable
// Consensus Algorithm (Extended Version)" by Ongaro and Ousterhout (Figure 2
// and section 7).
//
// The API is that of MIT 6.5840's Raft lab: a service calls Make to create a
// peer, Start to propose a command, GetState to ask whether the peer leads,
// Snapshot to let it compact its log, and Kill to stop it. Committed commands
// (and snapshots received from a leader) arrive on the applyCh given to Make,
// in log order, each exactly once per process lifetime.
//
// # Files
//
//   - raft.go: the peer's state, Make, GetState, Kill.
//   - log.go: the in-memory log, indexed from the snapshot's last index.
//   - election.go: timers, RequestVote, becoming candidate, leader or follower.
//   - replication.go: Start, AppendEntries, the commit rule.
//   - snapshot.go: Snapshot, InstallSnapshot.
//   - persist.go: what is saved to the Persister and when.
//   - apply.go: delivery of commands and snapshots on applyCh.
//   - senders.go: the pool of goroutines that make the RPCs.
//   - inspect.go: a copy of the peer's state for checkers (Inspect).
//
// Package distlab/raft/rafttest runs peers in a checked cluster on the
// labtest harness; the package's tests and "distlab chaos raft" use it.
//
// Decision logic lives in plain methods over the peer's state, called with
// rf.mu held; the goroutines (ticker, applier, one per RPC in flight, kept
// in a pool between calls) only feed them and never block while holding
// rf.mu.
//
// # Virtual time
//
// The peer blocks only on channels, timers, time.Sleep and sync.Cond, so it
// runs unchanged inside a testing/synctest bubble. Its randomness (election
// timeouts) comes from peers[me].Rand(), the seeded source of the labrpc
// network, so a test's seed replays the peer's timing choices too. After Kill
// every goroutine of the peer ends promptly: the ticker and the applier at
// once, and each RPC sender when its Call returns (an idle one at once).
//
// # Debug output
//
// DISTLAB_VERBOSE=1 (or a topic list: VOTE, LEAD, TERM, APPEND, COMMIT, SNAP,
// PERSIST, TIMER, APPLY) prints one line per event through distlab/lablog.
package raft

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"distlab/lablog"
	"distlab/labrpc"
	"distlab/persister"
)

// Persister is the simulated stable storage a peer saves its state to; it
// survives a crash of the peer. See package distlab/persister.
type Persister = persister.Persister

// MakePersister returns an empty Persister.
func MakePersister() *Persister { return persister.MakePersister() }

// ApplyMsg is what a peer sends on applyCh. Either CommandValid is set, and
// Command is the committed command at log index CommandIndex, or
// SnapshotValid is set, and Snapshot is a snapshot received from the leader
// covering the log through SnapshotIndex (whose term is SnapshotTerm): the
// service must replace its state with it.
//
// Messages arrive in log order: CommandIndex is one more than the previous
// message's CommandIndex or SnapshotIndex. The receiver owns Snapshot.
type ApplyMsg struct {
	CommandValid bool
	Command      interface{}
	CommandIndex int

	SnapshotValid bool
	Snapshot      []byte
	SnapshotTerm  int
	SnapshotIndex int
}

// role is a peer's role in its current term.
type role int

const (
	follower role = iota
	candidate
	leader
)

func (r role) String() string {
	return [...]string{"follower", "candidate", "leader"}[r]
}

// Timing. The election timeout is drawn uniformly from
// [electionTimeoutMin, electionTimeoutMin+electionTimeoutSpread) for every
// wait; a leader contacts each follower at least every heartbeatInterval.
const (
	heartbeatInterval     = 100 * time.Millisecond
	electionTimeoutMin    = 300 * time.Millisecond
	electionTimeoutSpread = 300 * time.Millisecond
	// maxBatch bounds the entries carried by one AppendEntries.
	maxBatch = 512
)

// Raft is one Raft peer. All its methods are safe for concurrent use.
type Raft struct {
	mu        sync.Mutex
	peers     []*labrpc.ClientEnd // peers[i] reaches peer i; peers[me] is this peer
	persister *Persister
	me        int
	applyCh   chan ApplyMsg
	log_      *lablog.Logger
	rand      *rand.Rand // the seeded source of this peer; guarded by mu

	dead bool          // set by Kill; guarded by mu
	done chan struct{} // closed by Kill

	// Persistent state (saved before answering an RPC or sending one that
	// depends on it).
	currentTerm int     // latest term seen; never decreases
	votedFor    int     // candidate voted for in currentTerm, -1 if none
	log         raftLog // log.base() is the snapshot's last index
	snapshot    []byte  // latest snapshot, covering the log through log.base()
	pcache      persistCache

	// Volatile state.
	role     role
	leaderID int // leader of currentTerm as far as known, -1 if unknown
	// Invariant: log.base() <= commitIndex <= log.lastIndex(), except that a
	// restarted peer's commitIndex is its snapshot's base.
	commitIndex int
	// Invariant: lastApplied <= commitIndex; lastApplied < log.base() only
	// while pendingSnapshot (whose index is log.base()) is undelivered.
	lastApplied     int
	pendingSnapshot *ApplyMsg  // a leader's snapshot awaiting delivery on applyCh
	applyCond       *sync.Cond // signalled when there is something to apply, or on Kill

	electionDeadline time.Time     // when a follower or candidate starts an election
	tickerWake       chan struct{} // pokes the ticker to recompute its wait (capacity 1)

	// Candidate state: votes received in currentTerm.
	votes int

	// Leader state, reinitialised by becomeLeader.
	// Invariant: matchIndex[i] < nextIndex[i] for i != me.
	nextIndex  []int
	matchIndex []int
	inflight   []bool      // an AppendEntries/InstallSnapshot to i is awaiting its reply
	pending    []bool      // more to send to i once the in-flight call returns
	lastSent   []time.Time // when the last RPC to i was sent

	wg sync.WaitGroup // the ticker and the applier

	// The pool of goroutines that make the RPCs (senders.go): an idle one
	// receives its next call on sends (unbuffered); idleSenders counts them.
	sends       chan func()
	idleSenders atomic.Int32
}

// Make creates a peer. peers holds an end to every peer of the cluster, in
// the same order at every peer, including this one at index me. persister is
// where the peer saves its state and where it finds what a predecessor saved
// before a crash: Make restores that state (the service reads the snapshot
// itself; it is not delivered on applyCh again). Committed commands and
// installed snapshots are sent on applyCh. Make returns at once; the peer's
// work goes on in goroutines until Kill.
func Make(peers []*labrpc.ClientEnd, me int, persister *Persister, applyCh chan ApplyMsg) *Raft {
	if me < 0 || me >= len(peers) {
		panic("raft.Make: me is not an index of peers")
	}
	rf := &Raft{
		peers:      peers,
		persister:  persister,
		me:         me,
		applyCh:    applyCh,
		log_:       lablog.For(me),
		rand:       peers[me].Rand(),
		done:       make(chan struct{}),
		votedFor:   -1,
		log:        newLog(),
		leaderID:   -1,
		tickerWake: make(chan struct{}, 1),
		sends:      make(chan func()),
	}
	rf.applyCond = sync.NewCond(&rf.mu)
	rf.readPersist(persister.ReadRaftState(), persister.ReadSnapshot())
	rf.commitIndex = rf.log.base()
	rf.lastApplied = rf.log.base()
	rf.resetElectionTimer()

	rf.wg.Add(2)
	go rf.ticker()
	go rf.applier()
	return rf
}

// GetState returns the peer's current term and whether it believes it is the
// leader.
func (rf *Raft) GetState() (int, bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return rf.currentTerm, rf.role == leader
}

// Kill stops the peer: it stops answering and sending RPCs, stops sending
// on applyCh (even in the middle of a blocked send), and its goroutines end.
// Kill waits for the ticker and the applier; RPC senders end when their Call
// returns. Kill may be called more than once.
func (rf *Raft) Kill() {
	rf.mu.Lock()
	if rf.dead {
		rf.mu.Unlock()
		return
	}
	rf.dead = true
	close(rf.done)
	rf.applyCond.Broadcast()
	rf.mu.Unlock()
	rf.wg.Wait()
}

func (rf *Raft) killed() bool { return rf.dead }

// majority is the number of peers that make a quorum.
func (rf *Raft) majority() int { return len(rf.peers)/2 + 1 }

// wakeTicker makes the ticker recompute its wait; it never blocks.
func (rf *Raft) wakeTicker() {
	select {
	case rf.tickerWake <- struct{}{}:
	default:
	}
}
