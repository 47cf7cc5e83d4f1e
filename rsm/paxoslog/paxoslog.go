// Package paxoslog makes a Paxos peer a consensus log for package rsm: log
// slot i is Paxos instance i, so that a service built on rsm (kvraft, the
// shard controller) runs over Paxos as it does over Raft.
//
// Paxos has no leader and no terms. Every server may propose: Start places
// a command in the first slot this server has not seen used, and reports
// (index, 0, true); if another server's command wins that slot, the rsm
// sees a different command applied there and answers ErrLeadershipLost, and
// the client retries. GetState always reports (0, true) while the log runs.
//
// Decided slots are delivered on the apply channel in order. A slot that
// stays undecided while later slots are in use (its proposer crashed, or
// lost it and went on), or that stays undecided for a while, is filled: this
// server proposes a no-op for it, which either wins or teaches this server
// the value that was chosen. The rsm skips no-ops.
//
// Snapshot(index, snapshot) saves the rsm's snapshot with the Paxos state
// and calls Done(index) (paxos.DoneWithSnapshot): the service has applied
// everything up to index, so Paxos may forget it once every server has. A
// slot that is Forgotten here is covered by a snapshot: this server's own,
// or a newer one its Paxos peer adopted from another server while catching
// up, which is delivered on the apply channel (SnapshotValid) for the rsm
// to install.
//
// A Log is safe for concurrent use; it runs one goroutine (the deliverer),
// which ends on Kill.
package paxoslog

import (
	"math/rand/v2"
	"sync"
	"time"

	"distlab/labgob"
	"distlab/labrpc"
	"distlab/paxos"
	"distlab/persister"
	"distlab/rsm"
)

// Hole filling: a slot still undecided holeWait after the deliverer began
// waiting for it, when a later slot is in use, or idleWait when none is,
// gets a no-op proposal (the waits are stretched by up to half at random,
// so servers do not all fill the same hole at once).
const (
	holeWait = 30 * time.Millisecond
	idleWait = 500 * time.Millisecond
)

// noop fills a hole in the log; the rsm applies nothing for it.
type noop struct{}

func init() { labgob.RegisterName("paxoslog.noop", noop{}) }

// Log is one server's view of the replicated log, over its Paxos peer.
type Log struct {
	px      *paxos.Paxos
	applyCh chan rsm.ApplyMsg
	done    chan struct{} // closed by Kill
	wg      sync.WaitGroup

	mu   sync.Mutex
	rand *rand.Rand // guarded by mu
	// next is the slot the deliverer waits for. Invariant: every slot
	// below next was delivered, or is covered by this server's snapshot.
	next int
	// proposed is the highest slot Start used. Invariant: never decreases.
	proposed int
	dead     bool
}

// Make starts server me's log over a new Paxos peer (Make(peers, me,
// persister)). Slots start at 1; after a restart, delivery resumes after
// the slots this server's saved snapshot covers.
func Make(peers []*labrpc.ClientEnd, me int, ps *persister.Persister) *Log {
	px := paxos.Make(peers, me, ps)
	l := &Log{
		px:      px,
		applyCh: make(chan rsm.ApplyMsg),
		done:    make(chan struct{}),
		rand:    rand.New(rand.NewPCG(peers[me].Rand().Uint64(), uint64(me))),
		next:    max(1, px.Min()),
	}
	l.wg.Add(1)
	go l.deliver()
	return l
}

// ApplyCh is the channel the log delivers decided commands on, in slot
// order; hand it to rsm.Make with an identity conversion.
func (l *Log) ApplyCh() <-chan rsm.ApplyMsg { return l.applyCh }

// Paxos returns the log's Paxos peer (for its RPC handlers and tests).
func (l *Log) Paxos() *paxos.Paxos { return l.px }

// Start proposes command for the first slot this server has not seen in
// use. It returns the slot, term 0 and true, unless the log was killed.
func (l *Log) Start(command any) (index, term int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return 0, 0, false
	}
	index = max(l.next, l.px.Max()+1, l.proposed+1)
	l.proposed = index
	l.px.Start(index, command)
	return index, 0, true
}

// GetState reports (0, true) while the log runs: every server may propose.
func (l *Log) GetState() (term int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return 0, !l.dead
}

// Snapshot saves snapshot, the service's state through slot index, with
// the Paxos state, and tells Paxos this server is done with slots up to
// index.
func (l *Log) Snapshot(index int, snapshot []byte) {
	l.px.DoneWithSnapshot(index, snapshot)
}

// Kill stops the deliverer and the Paxos peer.
func (l *Log) Kill() {
	l.mu.Lock()
	if l.dead {
		l.mu.Unlock()
		return
	}
	l.dead = true
	close(l.done)
	l.mu.Unlock()
	l.wg.Wait()
	l.px.Kill()
}

// deliver sends decided slots in order on applyCh and fills holes.
func (l *Log) deliver() {
	defer l.wg.Done()
	var waitingSince time.Time
	waitingFor := -1
	for {
		l.mu.Lock()
		seq := l.next
		l.mu.Unlock()
		fate, v := l.px.Status(seq)
		switch fate {
		case paxos.Forgotten:
			// Covered by a snapshot: our own (the rsm restored it
			// already, and ignores it again), or one adopted from a
			// peer because every other peer forgot what we missed.
			if snapSeq, snap := l.px.SavedSnapshot(); snap != nil && snapSeq >= seq {
				select {
				case l.applyCh <- rsm.ApplyMsg{SnapshotValid: true, Snapshot: snap, SnapshotIndex: snapSeq}:
				case <-l.done:
					return
				}
				l.advanceTo(snapSeq + 1)
				continue
			}
			l.advance(seq)
			continue
		case paxos.Decided:
			select {
			case l.applyCh <- rsm.ApplyMsg{CommandValid: true, Command: v, CommandIndex: seq}:
			case <-l.done:
				return
			}
			l.advance(seq)
			continue
		}
		// Pending: wait for a decision, and fill the hole if it lasts.
		if waitingFor != seq {
			waitingFor, waitingSince = seq, time.Now()
		}
		wait := idleWait
		if l.px.Max() > seq {
			wait = holeWait
		}
		l.mu.Lock()
		wait += time.Duration(l.rand.Int64N(int64(wait / 2)))
		l.mu.Unlock()
		if left := wait - time.Since(waitingSince); left <= 0 {
			l.px.Start(seq, noop{})
			waitingSince = time.Now()
		} else {
			timer := time.NewTimer(left)
			select {
			case <-l.px.Changes():
			case <-timer.C:
			case <-l.done:
				timer.Stop()
				return
			}
			timer.Stop()
		}
	}
}

func (l *Log) advance(seq int) { l.advanceTo(seq + 1) }

func (l *Log) advanceTo(next int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next = max(l.next, next)
}
