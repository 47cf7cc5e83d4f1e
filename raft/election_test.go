package raft_test

import (
	"testing"
	"time"

	"distlab/labtest"
	"distlab/raft/rafttest"
)

// electionTimeout is the classic suite's bound on how long an election may
// take; tests wait multiples of it.
const electionTimeout = time.Second

func TestInitialElectionChoosesOneLeaderAndKeepsTermWithoutFailures(t *testing.T) {
	run(t, func(t *testing.T) {
		h := rafttest.New(t, 3, rafttest.Config{})
		h.CheckOneLeader()
		time.Sleep(50 * time.Millisecond)
		term1 := h.CheckTerms()
		if term1 < 1 {
			t.Fatalf("term is %d, but an election must have taken place", term1)
		}
		time.Sleep(2 * electionTimeout)
		if term2 := h.CheckTerms(); term1 != term2 {
			if labtest.Realtime() {
				// On a loaded machine's real clock a heartbeat can be late.
				t.Logf("warning: term changed from %d to %d though nothing failed", term1, term2)
			} else {
				t.Fatalf("term changed from %d to %d though nothing failed", term1, term2)
			}
		}
		h.CheckOneLeader()
	})
}

func TestNewLeaderElectedAfterLeaderDisconnects(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		leader1 := h.CheckOneLeader()
		h.Disconnect(leader1)
		h.CheckOneLeader()

		// The old leader rejoins: it must not disturb the new one.
		h.Connect(leader1)
		leader2 := h.CheckOneLeader()

		// Without a quorum no leader may be elected.
		h.Disconnect(leader2)
		h.Disconnect((leader2 + 1) % n)
		time.Sleep(2 * electionTimeout)
		h.CheckNoLeader()

		h.Connect((leader2 + 1) % n)
		h.CheckOneLeader()
		h.Connect(leader2)
		h.CheckOneLeader()
	})
}

func TestLeaderElectedRepeatedlyWithSevenPeersAndThreeDisconnected(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 7
		h := rafttest.New(t, n, rafttest.Config{})
		h.CheckOneLeader()
		for iter := 0; iter < 10; iter++ {
			i1, i2, i3 := h.Rand().IntN(n), h.Rand().IntN(n), h.Rand().IntN(n)
			h.Disconnect(i1)
			h.Disconnect(i2)
			h.Disconnect(i3)
			h.CheckOneLeader()
			h.Connect(i1)
			h.Connect(i2)
			h.Connect(i3)
		}
		h.CheckOneLeader()
	})
}
