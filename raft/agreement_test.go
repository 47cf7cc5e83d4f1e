package raft

import (
	"fmt"
	"testing"
	"time"
)

func TestCommandsAgreedByAllPeersAtSuccessiveIndices(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		for index := 1; index <= 3; index++ {
			if nd, _ := h.nCommitted(index); nd > 0 {
				t.Fatalf("%d peers applied index %d before Start", nd, index)
			}
			if got := h.one(index*100, n, false); got != index {
				t.Fatalf("command got index %d, want %d", got, index)
			}
		}
	})
}

func TestEachCommandSentAboutOncePerFollower(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		h.one(99, n, false)
		bytes0 := h.bytesTotal()
		sent := int64(0)
		for index := 2; index < 12; index++ {
			cmd := h.randString(5000)
			if got := h.one(cmd, n, false); got != index {
				t.Fatalf("command got index %d, want %d", got, index)
			}
			sent += int64(len(cmd))
		}
		got := h.bytesTotal() - bytes0
		if want := int64(n)*sent + 50000; got > want {
			t.Fatalf("%d bytes sent for %d bytes of commands; want at most %d", got, sent, want)
		}
		t.Logf("%d bytes on the wire for %d bytes of commands (%.2fx)", got, sent, float64(got)/float64(sent))
	})
}

func TestAgreementDespiteFollowerFailures(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		h.one(101, n, false)
		leader1 := h.checkOneLeader()
		h.disconnect((leader1 + 1) % n)
		h.one(102, n-1, false)
		time.Sleep(electionTimeout)
		h.one(103, n-1, false)

		leader2 := h.checkOneLeader()
		h.disconnect((leader2 + 1) % n)
		h.disconnect((leader2 + 2) % n)
		index, _, ok := h.raft(leader2).Start(104)
		if !ok {
			t.Fatalf("leader S%d rejected Start", leader2)
		}
		if index != 4 {
			t.Fatalf("command got index %d, want 4", index)
		}
		time.Sleep(2 * electionTimeout)
		if nd, _ := h.nCommitted(index); nd > 0 {
			t.Fatalf("%d peers applied index %d without a majority", nd, index)
		}
	})
}

func TestAgreementAfterLeaderFailures(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		h.one(101, n, false)
		leader1 := h.checkOneLeader()
		h.disconnect(leader1)
		h.one(102, n-1, false)
		time.Sleep(electionTimeout)
		h.one(103, n-1, false)

		leader2 := h.checkOneLeader()
		h.disconnect(leader2)
		for i := 0; i < n; i++ {
			h.raft(i).Start(104)
		}
		time.Sleep(2 * electionTimeout)
		if nd, _ := h.nCommitted(4); nd > 0 {
			t.Fatalf("%d peers applied index 4 without a majority", nd)
		}
	})
}

func TestAgreementResumesWhenDisconnectedFollowerReturns(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		h.one(101, n, false)
		leader := h.checkOneLeader()
		h.disconnect((leader + 1) % n)
		h.one(102, n-1, false)
		h.one(103, n-1, false)
		time.Sleep(electionTimeout)
		h.one(104, n-1, false)
		h.one(105, n-1, false)
		h.connect((leader + 1) % n)
		h.one(106, n, true)
		time.Sleep(electionTimeout)
		h.one(107, n, true)
	})
}

func TestNoAgreementWithoutMajority(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		h := newHarness(t, n, true, false)
		h.one(10, n, false)
		leader := h.checkOneLeader()
		for k := 1; k <= 3; k++ {
			h.disconnect((leader + k) % n)
		}
		index, _, ok := h.raft(leader).Start(20)
		if !ok {
			t.Fatalf("leader S%d rejected Start", leader)
		}
		if index != 2 {
			t.Fatalf("command got index %d, want 2", index)
		}
		time.Sleep(2 * electionTimeout)
		if nd, _ := h.nCommitted(index); nd > 0 {
			t.Fatalf("%d peers applied index %d without a majority", nd, index)
		}

		for k := 1; k <= 3; k++ {
			h.connect((leader + k) % n)
		}
		// The disconnected majority may have elected its own leader, so the
		// uncommitted index 2 may or may not survive.
		leader2 := h.checkOneLeader()
		index2, _, ok2 := h.raft(leader2).Start(30)
		if !ok2 {
			t.Fatalf("leader S%d rejected Start", leader2)
		}
		if index2 < 2 || index2 > 3 {
			t.Fatalf("command got index %d, want 2 or 3", index2)
		}
		h.one(1000, n, true)
	})
}

func TestConcurrentStartsAllCommitInOneTerm(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		for try := 0; try < 5; try++ {
			if try > 0 {
				time.Sleep(3 * time.Second) // let the cluster settle
			}
			leader := h.checkOneLeader()
			_, term, ok := h.raft(leader).Start(1)
			if !ok {
				continue
			}
			const iters = 5
			indices := make(chan int, iters)
			done := make(chan struct{})
			for i := 0; i < iters; i++ {
				go func() {
					defer func() { done <- struct{}{} }()
					index, term1, ok := h.raft(leader).Start(100 + i)
					if ok && term1 == term {
						indices <- index
					}
				}()
			}
			for i := 0; i < iters; i++ {
				<-done
			}
			close(indices)
			if h.termChanged(term) {
				continue
			}
			var cmds []int
			failed := false
			for index := range indices {
				cmd := h.wait(index, n, term)
				x, ok := cmd.(int)
				if !ok {
					t.Fatalf("index %d holds %v (%T), want an int", index, cmd, cmd)
				}
				if x == -1 {
					failed = true // the term moved on
					break
				}
				cmds = append(cmds, x)
			}
			if failed {
				continue
			}
			for i := 0; i < iters; i++ {
				found := false
				for _, c := range cmds {
					if c == 100+i {
						found = true
					}
				}
				if !found {
					t.Fatalf("command %d missing from %v", 100+i, cmds)
				}
			}
			return
		}
		t.Fatalf("the term changed too often to check concurrent Starts")
	})
}

func TestPartitionedLeaderRejoinsAndDropsItsUncommittedEntries(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		h.one(101, n, true)
		leader1 := h.checkOneLeader()
		h.disconnect(leader1)
		// The old leader takes commands it can never commit.
		h.raft(leader1).Start(102)
		h.raft(leader1).Start(103)
		h.raft(leader1).Start(104)

		h.one(103, 2, true)
		leader2 := h.checkOneLeader()
		h.disconnect(leader2)
		h.connect(leader1)
		h.one(104, 2, true)
		h.connect(leader2)
		h.one(105, n, true)
	})
}

func TestLeaderBacksUpQuicklyOverIncorrectFollowerLogs(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		h := newHarness(t, n, true, false)
		h.one(h.rng.Int(), n, true)

		// The leader and one follower are left with 50 uncommitted entries.
		leader1 := h.checkOneLeader()
		for k := 2; k <= 4; k++ {
			h.disconnect((leader1 + k) % n)
		}
		for i := 0; i < 50; i++ {
			h.raft(leader1).Start(h.rng.Int())
		}
		time.Sleep(electionTimeout / 2)
		h.disconnect(leader1)
		h.disconnect((leader1 + 1) % n)

		// The other three commit 50 entries of their own.
		for k := 2; k <= 4; k++ {
			h.connect((leader1 + k) % n)
		}
		for i := 0; i < 50; i++ {
			h.one(h.rng.Int(), 3, true)
		}

		// Their leader and one follower get 50 more uncommitted entries.
		leader2 := h.checkOneLeader()
		other := (leader1 + 2) % n
		if leader2 == other {
			other = (leader2 + 1) % n
		}
		h.disconnect(other)
		for i := 0; i < 50; i++ {
			h.raft(leader2).Start(h.rng.Int())
		}
		time.Sleep(electionTimeout / 2)

		// The first pair and the third server, disconnected, commit 50 more.
		for i := 0; i < n; i++ {
			h.disconnect(i)
		}
		h.connect(leader1)
		h.connect((leader1 + 1) % n)
		h.connect(other)
		for i := 0; i < 50; i++ {
			h.one(h.rng.Int(), 3, true)
		}

		for i := 0; i < n; i++ {
			h.connect(i)
		}
		h.one(h.rng.Int(), n, true)
	})
}

func TestElectionAgreementAndIdlenessNeedFewRPCs(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		rpcs := func() int {
			total := 0
			for i := 0; i < n; i++ {
				total += h.rpcCount(i)
			}
			return total
		}
		h.checkOneLeader()
		if total := rpcs(); total > 30 || total < 1 {
			t.Fatalf("electing a leader took %d RPCs, want 1 to 30", total)
		}

		var total2 int
		success := false
	loop:
		for try := 0; try < 5; try++ {
			if try > 0 {
				time.Sleep(3 * time.Second)
			}
			leader := h.checkOneLeader()
			total1 := rpcs()
			const iters = 10
			starti, term, ok := h.raft(leader).Start(1)
			if !ok {
				continue
			}
			var cmds []int
			for i := 1; i < iters+2; i++ {
				x := h.rng.Int()
				cmds = append(cmds, x)
				index1, term1, ok := h.raft(leader).Start(x)
				if term1 != term || !ok {
					continue loop
				}
				if starti+i != index1 {
					t.Fatalf("Start returned index %d, want %d", index1, starti+i)
				}
			}
			for i := 1; i < iters+1; i++ {
				cmd := h.wait(starti+i, n, term)
				if x, ok := cmd.(int); !ok || x == -1 {
					continue loop
				} else if x != cmds[i-1] {
					t.Fatalf("index %d holds %v, want %v", starti+i, x, cmds[i-1])
				}
			}
			if h.termChanged(term) {
				continue
			}
			total2 = rpcs()
			if got, want := total2-total1, (iters+1+3)*3; got > want {
				t.Fatalf("%d commands took %d RPCs, want at most %d", iters, got, want)
			}
			success = true
			break
		}
		if !success {
			t.Fatalf("the term changed too often to count RPCs")
		}

		time.Sleep(electionTimeout)
		if got := rpcs() - total2; got > 3*20 {
			t.Fatalf("an idle second took %d RPCs, want at most 60", got)
		}
	})
}

// termChanged reports whether some live peer has moved past term.
func (h *harness) termChanged(term int) bool {
	for i := 0; i < h.n; i++ {
		if rf := h.raft(i); rf != nil {
			if t, _ := rf.GetState(); t != term {
				return true
			}
		}
	}
	return false
}

// randString returns n random printable bytes.
func (h *harness) randString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + h.rng.IntN(26))
	}
	return fmt.Sprint(string(b))
}
