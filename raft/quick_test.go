package raft

import "testing"

func TestQuickElectionAgreementPersistSnapshot(t *testing.T) {
	run(t, func(t *testing.T) {
		h := newHarness(t, 3, true, true)
		l := h.checkOneLeader()
		for i := 1; i <= 25; i++ {
			h.one(i, 3, false)
		}
		h.crash1(l)
		h.one(100, 2, true)
		h.start1(l)
		h.connect(l)
		for i := 0; i < 25; i++ {
			h.one(200+i, 3, true)
		}
		h.crash1((l + 1) % 3)
		h.crash1((l + 2) % 3)
		h.start1((l + 1) % 3)
		h.start1((l + 2) % 3)
		h.connect((l + 1) % 3)
		h.connect((l + 2) % 3)
		h.one(300, 3, true)
		t.Logf("rpcs %d bytes %d", h.rpcTotal(), h.bytesTotal())
	})
}
