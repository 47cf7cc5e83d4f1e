// Package persister provides Persister, the simulated stable storage of a
// distlab peer: what a server writes to it survives a crash of that server.
//
// A lab test keeps a crashed server's Persister, hands a Copy of it to the
// server's successor, and so models a disk that outlives the process. raft,
// paxos and the labtest harness all use this one type; raft re-exports it as
// raft.Persister and raft.MakePersister.
//
// A Persister is safe for concurrent use. The byte slices passed to Save are
// copied, and the slices returned by ReadRaftState and ReadSnapshot are the
// caller's to keep: neither side can change the other's data afterwards.
package persister

import (
	"bytes"
	"sync"
)

// Persister holds a server's Raft (or Paxos) state and its latest snapshot.
// The zero value is an empty Persister ready to use.
type Persister struct {
	mu        sync.Mutex
	raftstate []byte // never handed out: Save overwrites it in place
	snapshot  []byte // never modified: Save replaces it, so Copy may share it
}

// MakePersister returns an empty Persister.
func MakePersister() *Persister {
	return &Persister{}
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// Copy returns an independent Persister with the same contents. A restarted
// server gets a Copy, so that nothing its crashed predecessor still does can
// reach the new server's storage.
func (ps *Persister) Copy() *Persister {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	// Save overwrites the stored Raft state in place, so the copy gets its
	// own; the stored snapshot is never modified in place (Save replaces
	// it), so the copy may share it.
	return &Persister{raftstate: clone(ps.raftstate), snapshot: ps.snapshot}
}

// ReadRaftState returns a copy of the saved Raft state (nil if none).
func (ps *Persister) ReadRaftState() []byte {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return clone(ps.raftstate)
}

// RaftStateSize returns the size in bytes of the saved Raft state.
func (ps *Persister) RaftStateSize() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.raftstate)
}

// Save atomically replaces both the Raft state and the snapshot. Saving them
// together means a crash can never leave one without the other. A nil
// snapshot clears the stored snapshot.
func (ps *Persister) Save(raftstate []byte, snapshot []byte) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	// Raft saves its state on every change of term, vote or log: the state
	// is copied into the stored buffer, which is reused, rather than into a
	// new slice each time (nothing else refers to the buffer: reads and Copy
	// return copies).
	if raftstate == nil {
		ps.raftstate = nil
	} else {
		ps.raftstate = append(ps.raftstate[:0], raftstate...)
	}
	// Raft saves its unchanged snapshot with every change of term, vote or
	// log. The stored copy is never modified, so when the bytes are the
	// same it is kept instead of copied again; comparing is cheaper than
	// allocating and copying.
	if !bytes.Equal(ps.snapshot, snapshot) {
		ps.snapshot = clone(snapshot)
	}
}

// ReadSnapshot returns a copy of the saved snapshot (nil if none).
func (ps *Persister) ReadSnapshot() []byte {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return clone(ps.snapshot)
}

// SnapshotSize returns the size in bytes of the saved snapshot.
func (ps *Persister) SnapshotSize() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.snapshot)
}
