// Package paxos is a multi-instance Paxos peer: a group of peers agrees on a
// sequence of values, one independent run of Lamport's single-decree Paxos
// per instance number, as described in "Paxos Made Simple" (Lamport, 2001).
//
// The API is that of MIT 6.824's Paxos lab (2015): Make creates a peer,
// Start(seq, v) proposes v for instance seq and returns at once, Status(seq)
// says locally whether the instance is Decided (and its value), still Pending,
// or Forgotten; Done(seq) says this peer's application no longer needs
// instances up to seq, Min() is one more than the smallest Done of all peers
// (instances below it are forgotten), Max() is the highest instance this peer
// has seen, and Kill stops the peer.
//
// # Where each rule of "Paxos Made Simple" lives
//
//   - proposer.go: section 2.2's proposer. Proposal numbers are unique per
//     peer (n mod len(peers) = me) and increase; phase 1(a) sends prepare(n)
//     to its own acceptor, then, once that one promised (so that n is never
//     used twice, even after a crash), to every other; phase 2(a), on
//     promises from a majority, sends accept(n, v) with v the value of the
//     highest-numbered proposal among the promises, or the peer's own value
//     if there is none. A proposer that loses a round backs off for a time
//     drawn from peers[me].Rand(), so that dueling proposers (section 2.4,
//     progress) settle.
//   - acceptor.go: the acceptor's rules, P1a (accept a proposal unless it
//     promised not to) and the promise of phase 1(b) (never accept a number
//     lower than one it answered a prepare for, and report the highest
//     proposal it accepted).
//   - persist.go: section 2.2's stable storage: an acceptor's promise and
//     accepted (n, v), and every decided value, are saved to the Persister
//     before the acceptor answers, so a peer that crashes and restarts never
//     breaks a promise.
//   - learner.go: section 2.3, learning a chosen value: the proposer whose
//     value is accepted by a majority tells every peer, and keeps telling a
//     peer until it acknowledges, so a peer that heard nothing for a while
//     still learns once it hears again.
//   - done.go: beyond the paper, forgetting: each message carries its
//     sender's Done value, Min is one more than the smallest known, and every
//     instance below Min is freed, values included.
//   - snapshot.go: beyond the paper, a service's snapshot: saved with the
//     peer's state, and handed to a peer that lags behind instances every
//     other peer has forgotten.
//   - instance.go: the state of one instance and the table of instances.
//   - rpc.go: the messages.
//
// # The contract for students
//
//   - Only values passed to Start are ever decided, and at most one value per
//     instance, at every peer, across crashes and restarts.
//   - A Decided instance stays Decided (with the same value) until it is
//     Forgotten; Min never goes back, and Status(seq) for seq < Min is
//     Forgotten.
//   - If a majority of peers can talk to each other long enough, an instance
//     that one of them Started is decided, and every peer that can hear
//     those peers learns it, whether or not it Started anything.
//   - Status, Max and Min are local: they send no message.
//
// # Virtual time
//
// The peer blocks only on channels, timers and sync.Cond and never while
// holding its mutex, so it runs inside a testing/synctest bubble. Its
// randomness (backoff) comes from peers[me].Rand(), so a test's seed replays
// it. After Kill the learner's senders end at once and each proposer when
// its outstanding Call returns.
//
// DISTLAB_VERBOSE=1 (or topics PREPARE, ACCEPT, DECIDE, DONE, PERSIST)
// prints one line per event through distlab/lablog.
package paxos

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"distlab/lablog"
	"distlab/labrpc"
	"distlab/persister"
)

// Persister is the simulated stable storage a peer saves its state to (the
// type raft uses too); see package distlab/persister.
type Persister = persister.Persister

// MakePersister returns an empty Persister.
func MakePersister() *Persister { return persister.MakePersister() }

// Fate is what a peer knows about an instance.
type Fate int

// The fates of an instance, as Status reports them.
const (
	// Decided: a value was chosen, and this peer knows it.
	Decided Fate = iota + 1
	// Pending: not decided yet, as far as this peer knows.
	Pending
	// Forgotten: the instance is below Min; its value was freed.
	Forgotten
)

func (f Fate) String() string {
	switch f {
	case Decided:
		return "Decided"
	case Pending:
		return "Pending"
	case Forgotten:
		return "Forgotten"
	}
	return fmt.Sprintf("Fate(%d)", int(f))
}

// Paxos is one peer. All its methods are safe for concurrent use; the RPC
// handlers (Prepare, Accept, Learn) are called by labrpc.
type Paxos struct {
	mu        sync.Mutex
	peers     []*labrpc.ClientEnd // peers[i] reaches peer i; peers[me] is this peer
	me        int
	persister *Persister
	lg        *lablog.Logger
	rand      *rand.Rand // seeded by the network; guarded by mu

	dead bool          // set by Kill; guarded by mu
	done chan struct{} // closed by Kill

	// insts holds every instance this peer knows of at or above min().
	// Invariant: no key is below min(); insts[s].decided never goes back
	// to false, nor does its value change.
	insts map[int]*instance
	// open holds the undecided instances of insts (but those at or below
	// dones[me], which persist drops), openPeak the most it held since it
	// was made; newlyDecided holds the instances decided since the last
	// persist; vlog is the saved values and entries kept between saves,
	// saveBuf and openBuf buffers persist reuses (persist.go).
	open             map[int]*instance
	openPeak         int
	newlyDecided     []int
	vlog             valueLog
	saveBuf, openBuf []byte
	// max is the highest instance seen (started here or named in a
	// message). Invariant: never decreases.
	max int
	// dones[i] is the highest Done(seq) of peer i known here (-1: none).
	// Invariant: each entry never decreases; dones[me] is this peer's own.
	dones   []int
	changes chan struct{} // capacity 1; see Changes
	// proposing holds the instances this peer runs a proposer for.
	proposing map[int]bool
	// snapshot is the application's snapshot through instance snapSeq,
	// saved beside the state (snapshot.go); kept in memory so that
	// persisting never rereads it (snapSeq -1: none). Invariant:
	// snapSeq <= dones[me].
	snapshot []byte
	snapSeq  int

	// unacked[i] holds the decided instances peer i has not acknowledged
	// yet (learner.go); learnCond wakes the senders.
	unacked   []map[int]bool
	learnCond *sync.Cond

	wg sync.WaitGroup // the learner's senders
}

// Make creates peer me of the group reached through peers (peers[me] is
// this peer's own end, and every peer lists the group in the same order).
// persister is where the peer saves its state and where it finds what a
// predecessor saved before a crash. Make returns at once; the peer's work
// goes on in goroutines until Kill.
//
// Make panics with a message naming the bad argument if me is not an index
// of peers, persister is nil or the saved state cannot be decoded.
func Make(peers []*labrpc.ClientEnd, me int, persister *Persister) *Paxos {
	if me < 0 || me >= len(peers) {
		panic(fmt.Sprintf("paxos.Make: me = %d is not an index of peers (len %d)", me, len(peers)))
	}
	if persister == nil {
		panic("paxos.Make: persister is nil")
	}
	px := &Paxos{
		peers:     peers,
		me:        me,
		persister: persister,
		lg:        lablog.For(me),
		rand:      peers[me].Rand(),
		done:      make(chan struct{}),
		insts:     map[int]*instance{},
		open:      map[int]*instance{},
		max:       -1,
		snapSeq:   -1,
		dones:     make([]int, len(peers)),
		proposing: map[int]bool{},
		changes:   make(chan struct{}, 1),
		unacked:   make([]map[int]bool, len(peers)),
	}
	for i := range px.dones {
		px.dones[i] = -1
		px.unacked[i] = map[int]bool{}
	}
	px.learnCond = sync.NewCond(&px.mu)
	if err := px.readPersist(persister.ReadRaftState()); err != nil {
		panic(fmt.Sprintf("paxos.Make: peer %d: %v", me, err))
	}
	px.snapshot = persister.ReadSnapshot()
	// A predecessor may have crashed before every peer learned what it
	// decided: tell them again (they acknowledge what they know).
	for s, in := range px.insts {
		if in.decided {
			px.queueLearn(s)
		}
	}
	for i := range peers {
		if i != me {
			px.wg.Add(1)
			go px.teach(i)
		}
	}
	return px
}

// Status reports what this peer knows about instance seq, without sending
// any message: Decided and the value, Pending (nil), or Forgotten (nil) when
// seq < Min(). After a restart, an instance that a snapshot given to
// DoneWithSnapshot covers is Forgotten here before Min passes it: the
// snapshot stands for it. The caller must not modify a returned value.
func (px *Paxos) Status(seq int) (Fate, interface{}) {
	px.mu.Lock()
	defer px.mu.Unlock()
	if seq < px.min() {
		return Forgotten, nil
	}
	in, ok := px.insts[seq]
	switch {
	case ok && in.decided:
		return Decided, in.v
	case seq <= px.dones[px.me]:
		return Forgotten, nil
	}
	return Pending, nil
}

// Changes returns a channel that receives a value (it holds at most one,
// and the peer never waits for it to be read) whenever an instance becomes
// decided at this peer, so that a service can wait for its next instance
// instead of polling Status.
func (px *Paxos) Changes() <-chan struct{} { return px.changes }

// Max returns the highest instance this peer has seen: started here, or
// named in a message from another peer. It is -1 before any.
func (px *Paxos) Max() int {
	px.mu.Lock()
	defer px.mu.Unlock()
	return px.max
}

// Kill stops the peer: it stops answering and proposing, and its goroutines
// end (proposers when their outstanding Call returns). Kill may be called
// more than once.
func (px *Paxos) Kill() {
	px.mu.Lock()
	if px.dead {
		px.mu.Unlock()
		return
	}
	px.dead = true
	close(px.done)
	px.learnCond.Broadcast()
	px.mu.Unlock()
	px.wg.Wait()
}

// majority is the number of peers that make a quorum.
func (px *Paxos) majority() int { return len(px.peers)/2 + 1 }
