package rsm

import (
	"bytes"
	"distlab/labgob"
	"fmt"
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
	r.lg.Printf("SNAP", "snapshot up to index %d (%d bytes; raft state was %d bytes)", r.lastApplied, len(snap), r.persister.RaftStateSize())
	r.log.Snapshot(r.lastApplied, snap)
}

func (r *RSM) encode() ([]byte, error) {
	var buf bytes.Buffer
	d := snapshotData{Index: r.lastApplied, Sessions: r.sessions, Machine: r.sm.Snapshot()}
	if err := labgob.NewEncoder(&buf).Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// restore replaces the state with snapshot. Caller holds r.mu (or is Make).
func (r *RSM) restore(snapshot []byte) error {
	var d snapshotData
	if err := labgob.NewDecoder(bytes.NewReader(snapshot)).Decode(&d); err != nil {
		return fmt.Errorf("decoding the RSM snapshot: %w", err)
	}
	if err := r.sm.Restore(d.Machine); err != nil {
		return fmt.Errorf("restoring the state machine: %w", err)
	}
	if d.Sessions == nil {
		d.Sessions = map[int64]session{}
	}
	r.sessions = d.Sessions
	r.lastApplied = d.Index
	r.snapshotIndex = d.Index
	return nil
}
