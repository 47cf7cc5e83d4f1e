package rsm

import "distlab/raft"

// FromRaft converts a raft.ApplyMsg to an ApplyMsg, field by field: the
// convert function a service on Raft passes to Make.
//
//	applyCh := make(chan raft.ApplyMsg)
//	rf := raft.Make(servers, me, persister, applyCh)
//	r, err := rsm.Make(rsm.Config{Log: rf, ...}, applyCh, rsm.FromRaft)
func FromRaft(m raft.ApplyMsg) ApplyMsg {
	return ApplyMsg{
		CommandValid:  m.CommandValid,
		Command:       m.Command,
		CommandIndex:  m.CommandIndex,
		SnapshotValid: m.SnapshotValid,
		Snapshot:      m.Snapshot,
		SnapshotTerm:  m.SnapshotTerm,
		SnapshotIndex: m.SnapshotIndex,
	}
}
