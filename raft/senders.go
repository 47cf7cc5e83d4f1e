package raft

// The RPCs a peer sends run on a pool of goroutines that outlive one call:
// a call's goroutine encodes the request with labgob, whose recursion
// grows a fresh goroutine's stack two or three times, and a profile of
// kvraft chaos runs spent a sixth of its CPU copying those stacks. A
// goroutine of the pool keeps its grown stack for the next call. A call
// that blocks (a partitioned follower) holds its goroutine only, so
// several calls to one follower may be in flight, as before.

// maxIdleSenders bounds the pool's idle goroutines; beyond it a goroutine
// that finishes its call ends, so a burst of calls during a partition
// leaves no crowd behind.
const maxIdleSenders = 8

// send runs call on an idle goroutine of the pool, or on a new one when
// none is idle. It never blocks; it may be called with rf.mu held.
func (rf *Raft) send(call func()) {
	select {
	case rf.sends <- call:
	default:
		go rf.sender(call)
	}
}

// sender runs call, then waits idle for the next one until Kill; it ends
// instead if maxIdleSenders others are idle.
func (rf *Raft) sender(call func()) {
	for {
		call()
		if rf.idleSenders.Add(1) > maxIdleSenders {
			rf.idleSenders.Add(-1)
			return
		}
		select {
		case call = <-rf.sends:
			rf.idleSenders.Add(-1)
		case <-rf.done:
			rf.idleSenders.Add(-1)
			return
		}
	}
}
