package raft_test

import (
	"testing"
	"time"

	"distlab/raft/rafttest"
)

func TestCommandsAgreedByAllPeersAtSuccessiveIndices(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		for index := 1; index <= 3; index++ {
			if nd, _ := h.NCommitted(index); nd > 0 {
				t.Fatalf("%d peers applied index %d before Start", nd, index)
			}
			if got := h.One(index*100, n, false); got != index {
				t.Fatalf("command got index %d, want %d", got, index)
			}
		}
	})
}

func TestEachCommandSentAboutOncePerFollower(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(99, n, false)
		bytes0 := h.Bytes()
		sent := int64(0)
		for index := 2; index < 12; index++ {
			cmd := h.RandString(5000)
			if got := h.One(cmd, n, false); got != index {
				t.Fatalf("command got index %d, want %d", got, index)
			}
			sent += int64(len(cmd))
		}
		got := h.Bytes() - bytes0
		if want := int64(n)*sent + 50000; got > want {
			t.Fatalf("%d bytes sent for %d bytes of commands; want at most %d", got, sent, want)
		}
		t.Logf("%d bytes on the wire for %d bytes of commands (%.2fx)", got, sent, float64(got)/float64(sent))
	})
}

func TestAgreementDespiteFollowerFailures(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(101, n, false)
		leader1 := h.CheckOneLeader()
		h.Disconnect((leader1 + 1) % n)
		h.One(102, n-1, false)
		time.Sleep(electionTimeout)
		h.One(103, n-1, false)

		leader2 := h.CheckOneLeader()
		h.Disconnect((leader2 + 1) % n)
		h.Disconnect((leader2 + 2) % n)
		index, _, ok := h.Raft(leader2).Start(104)
		if !ok {
			t.Fatalf("leader S%d rejected Start", leader2)
		}
		if index != 4 {
			t.Fatalf("command got index %d, want 4", index)
		}
		time.Sleep(2 * electionTimeout)
		if nd, _ := h.NCommitted(index); nd > 0 {
			t.Fatalf("%d peers applied index %d without a majority", nd, index)
		}
	})
}

func TestAgreementAfterLeaderFailures(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(101, n, false)
		leader1 := h.CheckOneLeader()
		h.Disconnect(leader1)
		h.One(102, n-1, false)
		time.Sleep(electionTimeout)
		h.One(103, n-1, false)

		leader2 := h.CheckOneLeader()
		h.Disconnect(leader2)
		for i := 0; i < n; i++ {
			h.Raft(i).Start(104)
		}
		time.Sleep(2 * electionTimeout)
		if nd, _ := h.NCommitted(4); nd > 0 {
			t.Fatalf("%d peers applied index 4 without a majority", nd)
		}
	})
}

func TestAgreementResumesWhenDisconnectedFollowerReturns(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(101, n, false)
		leader := h.CheckOneLeader()
		h.Disconnect((leader + 1) % n)
		h.One(102, n-1, false)
		h.One(103, n-1, false)
		time.Sleep(electionTimeout)
		h.One(104, n-1, false)
		h.One(105, n-1, false)
		h.Connect((leader + 1) % n)
		h.One(106, n, true)
		time.Sleep(electionTimeout)
		h.One(107, n, true)
	})
}

func TestNoAgreementWithoutMajority(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(10, n, false)
		leader := h.CheckOneLeader()
		for k := 1; k <= 3; k++ {
			h.Disconnect((leader + k) % n)
		}
		index, _, ok := h.Raft(leader).Start(20)
		if !ok {
			t.Fatalf("leader S%d rejected Start", leader)
		}
		if index != 2 {
			t.Fatalf("command got index %d, want 2", index)
		}
		time.Sleep(2 * electionTimeout)
		if nd, _ := h.NCommitted(index); nd > 0 {
			t.Fatalf("%d peers applied index %d without a majority", nd, index)
		}

		for k := 1; k <= 3; k++ {
			h.Connect((leader + k) % n)
		}
		// The disconnected majority may have elected its own leader, so the
		// uncommitted index 2 may or may not survive.
		leader2 := h.CheckOneLeader()
		index2, _, ok2 := h.Raft(leader2).Start(30)
		if !ok2 {
			t.Fatalf("leader S%d rejected Start", leader2)
		}
		if index2 < 2 || index2 > 3 {
			t.Fatalf("command got index %d, want 2 or 3", index2)
		}
		h.One(1000, n, true)
	})
}

func TestConcurrentStartsAllCommitInOneTerm(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		for try := 0; try < 5; try++ {
			if try > 0 {
				time.Sleep(3 * time.Second) // let the cluster settle
			}
			leader := h.CheckOneLeader()
			_, term, ok := h.Raft(leader).Start(1)
			if !ok {
				continue
			}
			const iters = 5
			indices := make(chan int, iters)
			done := make(chan struct{})
			for i := 0; i < iters; i++ {
				go func() {
					defer func() { done <- struct{}{} }()
					index, term1, ok := h.Raft(leader).Start(100 + i)
					if ok && term1 == term {
						indices <- index
					}
				}()
			}
			for i := 0; i < iters; i++ {
				<-done
			}
			close(indices)
			if h.TermChanged(term) {
				continue
			}
			var cmds []int
			failed := false
			for index := range indices {
				cmd := h.Wait(index, n, term)
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
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(101, n, true)
		leader1 := h.CheckOneLeader()
		h.Disconnect(leader1)
		// The old leader takes commands it can never commit.
		h.Raft(leader1).Start(102)
		h.Raft(leader1).Start(103)
		h.Raft(leader1).Start(104)

		h.One(103, 2, true)
		leader2 := h.CheckOneLeader()
		h.Disconnect(leader2)
		h.Connect(leader1)
		h.One(104, 2, true)
		h.Connect(leader2)
		h.One(105, n, true)
	})
}

func TestLeaderBacksUpQuicklyOverIncorrectFollowerLogs(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(h.Rand().Int(), n, true)

		// The leader and one follower are left with 50 uncommitted entries.
		leader1 := h.CheckOneLeader()
		for k := 2; k <= 4; k++ {
			h.Disconnect((leader1 + k) % n)
		}
		for i := 0; i < 50; i++ {
			h.Raft(leader1).Start(h.Rand().Int())
		}
		time.Sleep(electionTimeout / 2)
		h.Disconnect(leader1)
		h.Disconnect((leader1 + 1) % n)

		// The other three commit 50 entries of their own.
		for k := 2; k <= 4; k++ {
			h.Connect((leader1 + k) % n)
		}
		for i := 0; i < 50; i++ {
			h.One(h.Rand().Int(), 3, true)
		}

		// Their leader and one follower get 50 more uncommitted entries.
		leader2 := h.CheckOneLeader()
		other := (leader1 + 2) % n
		if leader2 == other {
			other = (leader2 + 1) % n
		}
		h.Disconnect(other)
		for i := 0; i < 50; i++ {
			h.Raft(leader2).Start(h.Rand().Int())
		}
		time.Sleep(electionTimeout / 2)

		// The first pair and the third server, disconnected, commit 50 more.
		for i := 0; i < n; i++ {
			h.Disconnect(i)
		}
		h.Connect(leader1)
		h.Connect((leader1 + 1) % n)
		h.Connect(other)
		for i := 0; i < 50; i++ {
			h.One(h.Rand().Int(), 3, true)
		}

		for i := 0; i < n; i++ {
			h.Connect(i)
		}
		h.One(h.Rand().Int(), n, true)
	})
}

func TestElectionAgreementAndIdlenessNeedFewRPCs(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		rpcs := func() int {
			total := 0
			for i := 0; i < n; i++ {
				total += h.RPCCount(i)
			}
			return total
		}
		h.CheckOneLeader()
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
			leader := h.CheckOneLeader()
			total1 := rpcs()
			const iters = 10
			starti, term, ok := h.Raft(leader).Start(1)
			if !ok {
				continue
			}
			var cmds []int
			for i := 1; i < iters+2; i++ {
				x := h.Rand().Int()
				cmds = append(cmds, x)
				index1, term1, ok := h.Raft(leader).Start(x)
				if term1 != term || !ok {
					continue loop
				}
				if starti+i != index1 {
					t.Fatalf("Start returned index %d, want %d", index1, starti+i)
				}
			}
			for i := 1; i < iters+1; i++ {
				cmd := h.Wait(starti+i, n, term)
				if x, ok := cmd.(int); !ok || x == -1 {
					continue loop
				} else if x != cmds[i-1] {
					t.Fatalf("index %d holds %v, want %v", starti+i, x, cmds[i-1])
				}
			}
			if h.TermChanged(term) {
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
