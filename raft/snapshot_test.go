package raft_test

import (
	"testing"

	"distlab/raft/rafttest"
)

// maxLogSize bounds the persisted Raft state of a peer whose service
// snapshots every rafttest.SnapInterval commands.
const maxLogSize = 2000

// snapshotUnderFaults submits commands in rounds while the follower (or,
// every third round, the leader) is disconnected or crashed, so that it
// falls behind a snapshot and must be brought up to date with
// InstallSnapshot. The persisted state must stay small throughout.
func snapshotUnderFaults(t *testing.T, disconnect, reliable, crash bool) {
	const n, iters = 3, 30
	h := rafttest.New(t, n, rafttest.Config{Unreliable: !reliable, Snapshots: true})
	h.One(h.Rand().Int(), n, true)
	leader1 := h.CheckOneLeader()
	for i := 0; i < iters; i++ {
		victim, sender := (leader1+1)%n, leader1
		if i%3 == 1 {
			sender, victim = (leader1+1)%n, leader1
		}
		if disconnect {
			h.Disconnect(victim)
			h.One(h.Rand().Int(), n-1, true)
		}
		if crash {
			h.Crash(victim)
			h.One(h.Rand().Int(), n-1, true)
		}
		// Enough commands to make the others snapshot.
		nn := rafttest.SnapInterval/2 + h.Rand().IntN(rafttest.SnapInterval)
		for k := 0; k < nn; k++ {
			if rf := h.Raft(sender); rf != nil {
				rf.Start(h.Rand().Int())
			}
		}
		// Let the appliers catch up with the Starts.
		if !disconnect && !crash {
			h.One(h.Rand().Int(), n, true)
		} else {
			h.One(h.Rand().Int(), n-1, true)
		}
		if size := h.LogSize(); size >= maxLogSize {
			t.Fatalf("persisted Raft state is %d bytes, want less than %d: the log is not compacted", size, maxLogSize)
		}
		if disconnect {
			// The victim may need a snapshot to catch up.
			h.Connect(victim)
			h.One(h.Rand().Int(), n, true)
			leader1 = h.CheckOneLeader()
		}
		if crash {
			h.Restart(victim)
			h.Connect(victim)
			h.One(h.Rand().Int(), n, true)
			leader1 = h.CheckOneLeader()
		}
	}
	if (disconnect || crash) && h.SnapshotsDelivered() == 0 {
		t.Fatalf("no lagging peer was brought up to date with InstallSnapshot")
	}
}

func TestSnapshotsKeepLogSmall(t *testing.T) {
	run(t, func(t *testing.T) { snapshotUnderFaults(t, false, true, false) })
}

func TestSnapshotInstalledOnDisconnectedFollower(t *testing.T) {
	run(t, func(t *testing.T) { snapshotUnderFaults(t, true, true, false) })
}

func TestSnapshotInstalledOnDisconnectedFollowerOverUnreliableNetwork(t *testing.T) {
	run(t, func(t *testing.T) { snapshotUnderFaults(t, true, false, false) })
}

func TestSnapshotInstalledOnCrashedFollower(t *testing.T) {
	run(t, func(t *testing.T) { snapshotUnderFaults(t, false, true, true) })
}

func TestSnapshotInstalledOnCrashedFollowerOverUnreliableNetwork(t *testing.T) {
	run(t, func(t *testing.T) { snapshotUnderFaults(t, false, false, true) })
}

func TestSnapshotsSurviveCrashOfAllPeers(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, iters = 3, 5
		h := rafttest.New(t, n, rafttest.Config{Snapshots: true})
		h.One(h.Rand().Int(), n, true)
		for i := 0; i < iters; i++ {
			nn := rafttest.SnapInterval/2 + h.Rand().IntN(rafttest.SnapInterval)
			for k := 0; k < nn; k++ {
				h.One(h.Rand().Int(), n, true)
			}
			index1 := h.One(h.Rand().Int(), n, true)
			for k := 0; k < n; k++ {
				h.Crash(k)
			}
			for k := 0; k < n; k++ {
				h.Restart(k)
			}
			index2 := h.One(h.Rand().Int(), n, true)
			if index2 < index1+1 {
				t.Fatalf("index went from %d to %d across a crash of all peers", index1, index2)
			}
		}
	})
}

func TestRestartedPeersStartFromTheirSnapshots(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{Snapshots: true})
		h.One(h.Rand().Int(), n, true)
		// Enough for every peer to snapshot.
		for i := 0; i < rafttest.SnapInterval+1; i++ {
			h.One(h.Rand().Int(), n, true)
		}
		// Restarting everyone makes each peer start from its snapshot; the
		// second time its persisted log begins after the snapshot too.
		for round := 0; round < 2; round++ {
			for k := 0; k < n; k++ {
				h.Crash(k)
			}
			for k := 0; k < n; k++ {
				h.Restart(k)
			}
			h.One(h.Rand().Int(), n, true)
		}
	})
}
