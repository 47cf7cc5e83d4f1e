package raft

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"distlab/labgob"
)

// persistentHeader is Figure 2's persistent state apart from the log
// entries, plus the snapshot's last index and term (§7).
type persistentHeader struct {
	CurrentTerm int
	VotedFor    int
	LogStart    int // log.base()
	BaseTerm    int // log.baseTerm()
	Entries     int // how many entries follow the base
}

// fields lists the header's fields in their saved order.
func (h *persistentHeader) fields() []*int {
	return []*int{&h.CurrentTerm, &h.VotedFor, &h.LogStart, &h.BaseTerm, &h.Entries}
}

// appendTo appends the header as signed varints. (It is saved on every
// change of term, vote or log; a gob encoder made for each save would
// send the type's description every time, which cost a fifth of a chaos
// run's CPU.)
func (h *persistentHeader) appendTo(b []byte) []byte {
	for _, f := range h.fields() {
		b = binary.AppendVarint(b, int64(*f))
	}
	return b
}

// decode reads a header written by appendTo.
func (h *persistentHeader) decode(b []byte) error {
	for i, f := range h.fields() {
		v, n := binary.Varint(b)
		if n <= 0 {
			return fmt.Errorf("field %d of 5 is missing or malformed", i+1)
		}
		*f, b = int(v), b[n:]
	}
	if len(b) != 0 {
		return fmt.Errorf("%d bytes after its 5 fields", len(b))
	}
	return nil
}

// The saved Raft state is
//
//	uvarint(len(header)) | header | entries
//
// where header is a persistentHeader (appendTo) and entries is one gob
// stream of the log's entries after its base. The entry stream is kept
// between saves and only appended to while the log only grows, so saving
// after an append costs the new entries, not the whole log; a truncation or
// a compaction starts a new stream.
type persistCache struct {
	stream bytes.Buffer
	enc    *labgob.Encoder
	start  int    // log.start the stream begins after
	edits  int    // log.edits when the stream was begun
	n      int    // entries in the stream
	state  []byte // the last saved state; reused, since Save copies it
}

// persist saves currentTerm, votedFor, the log and the snapshot. It runs
// with rf.mu held, before the peer answers an RPC or sends one that depends
// on the saved state, so nothing it promised is forgotten in a crash.
func (rf *Raft) persist() {
	c := &rf.pcache
	last := rf.log.lastIndex() - rf.log.start
	if c.enc == nil || c.start != rf.log.start || c.edits != rf.log.edits || c.n > last {
		c.stream.Reset()
		c.enc = labgob.NewEncoder(&c.stream)
		c.start, c.edits, c.n = rf.log.start, rf.log.edits, 0
	}
	for ; c.n < last; c.n++ {
		// A pointer, which gob encodes as the value it points to: the
		// value itself would be copied to the heap to make an interface.
		if err := c.enc.Encode(&rf.log.entries[c.n+1]); err != nil {
			c.enc = nil
			// Only a command of a type gob cannot encode gets here; that is a
			// bug in the service, not a condition to survive.
			panic(fmt.Errorf("raft: S%d cannot persist the command at index %d (register its type with labgob.Register): %w",
				rf.me, rf.log.start+c.n+1, err))
		}
	}
	h := persistentHeader{
		CurrentTerm: rf.currentTerm,
		VotedFor:    rf.votedFor,
		LogStart:    rf.log.start,
		BaseTerm:    rf.log.baseTerm(),
		Entries:     last,
	}
	var hdr [5 * binary.MaxVarintLen64]byte
	header := h.appendTo(hdr[:0])
	state := binary.AppendUvarint(c.state[:0], uint64(len(header)))
	state = append(state, header...)
	state = append(state, c.stream.Bytes()...)
	c.state = state
	rf.persister.Save(state, rf.snapshot)
	if rf.log_.On("PERSIST") {
		rf.log_.Printf("PERSIST", "saves term %d vote %d log %d..%d (%d bytes)",
			rf.currentTerm, rf.votedFor, rf.log.base(), rf.log.lastIndex(), len(state))
	}
}

// readPersist restores the state a predecessor saved; an empty state leaves
// the peer as new.
func (rf *Raft) readPersist(data, snapshot []byte) {
	if len(data) == 0 {
		return
	}
	hlen, k := binary.Uvarint(data)
	if k <= 0 || uint64(len(data)-k) < hlen {
		panic(fmt.Errorf("raft: S%d: persisted state (%d bytes) is truncated", rf.me, len(data)))
	}
	var h persistentHeader
	if err := h.decode(data[k : k+int(hlen)]); err != nil {
		panic(fmt.Errorf("raft: S%d cannot decode its persisted state: %w", rf.me, err))
	}
	entries := make([]LogEntry, 1, 1+h.Entries)
	entries[0] = LogEntry{Term: h.BaseTerm}
	dec := labgob.NewDecoder(bytes.NewReader(data[k+int(hlen):]))
	for i := 0; i < h.Entries; i++ {
		var e LogEntry
		if err := dec.Decode(&e); err != nil {
			panic(fmt.Errorf("raft: S%d cannot decode persisted LogEntry %d of %d: %w", rf.me, i+1, h.Entries, err))
		}
		entries = append(entries, e)
	}
	rf.currentTerm = h.CurrentTerm
	rf.votedFor = h.VotedFor
	rf.log = raftLog{start: h.LogStart, entries: entries}
	rf.snapshot = snapshot
}
