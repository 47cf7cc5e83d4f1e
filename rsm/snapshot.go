package rsm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"distlab/labgob"
)

func init() {
	// gob sends an interface value's type name with every value, so
	// every log entry carries it: a short name keeps entries small.
	labgob.RegisterName("rsm.E", entry{})
}

// snapshotData is the RSM's snapshot: the state machine's own snapshot plus
// the duplicate table, as of command Index.
type snapshotData struct {
	Index    int
	Sessions map[int64]session
	Machine  []byte
}

// maybeSnapshot asks the log to compact itself if its saved state has
// reached maxraftstate. Caller holds r.mu.
func (r *RSM) maybeSnapshot() {
	if r.maxraftstate < 0 || r.lastApplied <= r.snapshotIndex {
		return
	}
	if r.persister.RaftStateSize() < r.maxraftstate {
		return
	}
	snap, err := r.encode()
	if err != nil {
		panic("rsm: cannot encode a snapshot: " + err.Error())
	}
	r.snapshotIndex = r.lastApplied
	if r.lg.On("SNAP") {
		r.lg.Printf("SNAP", "snapshot up to index %d (%d bytes; raft state was %d bytes)", r.lastApplied, len(snap), r.persister.RaftStateSize())
	}
	r.log.Snapshot(r.lastApplied, snap)
}

func (r *RSM) encode() ([]byte, error) {
	d := snapshotData{Index: r.lastApplied, Sessions: r.sessions, Machine: r.sm.Snapshot()}
	return d.encode()
}

// The snapshot is
//
//	varint(Index) | uvarint(len(Machine)) | Machine | uvarint(len(Sessions)) |
//	per session: varint(client id) varint(Seq) byte(1 if it has a Result) |
//	a gob stream of the Results that are not nil, in session order
//
// The numbers are written by hand, not by gob: a snapshot is taken every few
// commands (maxraftstate is 1000 bytes in the labs' tests), and a gob
// encoder made for each one sent the description of every type again, which
// cost a twentieth of a kvraft chaos run's CPU. Only a session's Result,
// whose type is the state machine's, needs gob; Put and Append have none.

// savedResult wraps a Result so that gob carries its concrete type.
type savedResult struct{ R any }

func (d *snapshotData) encode() ([]byte, error) {
	b := make([]byte, 0, 16+len(d.Machine)+len(d.Sessions)*(2*binary.MaxVarintLen64+1))
	b = binary.AppendVarint(b, int64(d.Index))
	b = binary.AppendUvarint(b, uint64(len(d.Machine)))
	b = append(b, d.Machine...)
	b = binary.AppendUvarint(b, uint64(len(d.Sessions)))
	var results []any
	for id, s := range d.Sessions {
		b = binary.AppendVarint(b, id)
		b = binary.AppendVarint(b, s.Seq)
		if s.Result == nil {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		results = append(results, s.Result)
	}
	if len(results) == 0 {
		return b, nil
	}
	buf := bytes.NewBuffer(b)
	enc := labgob.NewEncoder(buf)
	for _, res := range results {
		if err := enc.Encode(savedResult{R: res}); err != nil {
			return nil, fmt.Errorf("the result %T of a session: %w", res, err)
		}
	}
	return buf.Bytes(), nil
}

var errShortSnapshot = errors.New("truncated")

// decode reads a snapshot written by encode.
func (d *snapshotData) decode(b []byte) error {
	varint := func() (int64, error) {
		v, n := binary.Varint(b)
		if n <= 0 {
			return 0, errShortSnapshot
		}
		b = b[n:]
		return v, nil
	}
	uvarint := func() (uint64, error) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, errShortSnapshot
		}
		b = b[n:]
		return v, nil
	}
	index, err := varint()
	if err != nil {
		return fmt.Errorf("its index: %w", err)
	}
	mlen, err := uvarint()
	if err != nil || mlen > uint64(len(b)) {
		return fmt.Errorf("the state machine's snapshot: %w", errShortSnapshot)
	}
	d.Index = int(index)
	if mlen > 0 {
		// A copy: the state machine's Restore may keep it, and the
		// snapshot's bytes belong to the log (restores are rare).
		d.Machine = bytes.Clone(b[:mlen])
	}
	b = b[mlen:]
	n, err := uvarint()
	if err != nil || n > uint64(len(b)) {
		return fmt.Errorf("the number of sessions: %w", errShortSnapshot)
	}
	d.Sessions = make(map[int64]session, n)
	var withResult []int64
	for i := uint64(0); i < n; i++ {
		id, err1 := varint()
		seq, err2 := varint()
		if err := errors.Join(err1, err2); err != nil || len(b) == 0 || b[0] > 1 {
			return fmt.Errorf("session %d of %d: %w", i+1, n, errShortSnapshot)
		}
		if b[0] == 1 {
			withResult = append(withResult, id)
		}
		b = b[1:]
		d.Sessions[id] = session{Seq: seq}
	}
	if len(withResult) == 0 {
		if len(b) != 0 {
			return fmt.Errorf("%d bytes after its sessions", len(b))
		}
		return nil
	}
	r := bytes.NewReader(b)
	dec := labgob.NewDecoder(r)
	for _, id := range withResult {
		var res savedResult
		if err := dec.Decode(&res); err != nil {
			return fmt.Errorf("the result of client %d's session: %w", id, err)
		}
		s := d.Sessions[id]
		s.Result = res.R
		d.Sessions[id] = s
	}
	if r.Len() != 0 {
		return fmt.Errorf("%d bytes after its sessions' results", r.Len())
	}
	return nil
}

// restore replaces the state with snapshot. Caller holds r.mu (or is Make).
func (r *RSM) restore(snapshot []byte) error {
	var d snapshotData
	if err := d.decode(snapshot); err != nil {
		return fmt.Errorf("decoding the RSM snapshot: %w", err)
	}
	if err := r.sm.Restore(d.Machine); err != nil {
		return fmt.Errorf("restoring the state machine: %w", err)
	}
	r.sessions = d.Sessions
	r.lastApplied = d.Index
	r.snapshotIndex = d.Index
	return nil
}
