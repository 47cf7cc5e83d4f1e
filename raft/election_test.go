package raft

import (
	"testing"
	"time"
)

// electionTimeout is the classic suite's bound on how long an election may
// take; tests wait multiples of it.
const electionTimeout = time.Second

func TestInitialElectionChoosesOneLeaderAndKeepsTermWithoutFailures(t *testing.T) {
	run(t, func(t *testing.T) {
		h := newHarness(t, 3, true, false)
		h.checkOneLeader()
		time.Sleep(50 * time.Millisecond)
		term1 := h.checkTerms()
		if term1 < 1 {
			t.Fatalf("term is %d, but an election must have taken place", term1)
		}
		time.Sleep(2 * electionTimeout)
		if term2 := h.checkTerms(); term1 != term2 {
			t.Fatalf("term changed from %d to %d though nothing failed", term1, term2)
		}
		h.checkOneLeader()
	})
}

func TestNewLeaderElectedAfterLeaderDisconnects(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		leader1 := h.checkOneLeader()
		h.disconnect(leader1)
		h.checkOneLeader()

		// The old leader rejoins: it must not disturb the new one.
		h.connect(leader1)
		leader2 := h.checkOneLeader()

		// Without a quorum no leader may be elected.
		h.disconnect(leader2)
		h.disconnect((leader2 + 1) % n)
		time.Sleep(2 * electionTimeout)
		h.checkNoLeader()

		h.connect((leader2 + 1) % n)
		h.checkOneLeader()
		h.connect(leader2)
		h.checkOneLeader()
	})
}

func TestLeaderElectedRepeatedlyWithSevenPeersAndThreeDisconnected(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 7
		h := newHarness(t, n, true, false)
		h.checkOneLeader()
		for iter := 0; iter < 10; iter++ {
			i1, i2, i3 := h.rng.IntN(n), h.rng.IntN(n), h.rng.IntN(n)
			h.disconnect(i1)
			h.disconnect(i2)
			h.disconnect(i3)
			h.checkOneLeader()
			h.connect(i1)
			h.connect(i2)
			h.connect(i3)
		}
		h.checkOneLeader()
	})
}
