package raft

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPersistedStateSurvivesCrashesOfEveryPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		h.one(11, n, true)

		// Crash and restart everyone.
		for i := 0; i < n; i++ {
			h.start1(i)
		}
		for i := 0; i < n; i++ {
			h.disconnect(i)
			h.connect(i)
		}
		h.one(12, n, true)

		leader1 := h.checkOneLeader()
		h.disconnect(leader1)
		h.start1(leader1)
		h.connect(leader1)
		h.one(13, n, true)

		leader2 := h.checkOneLeader()
		h.disconnect(leader2)
		h.one(14, n-1, true)
		h.start1(leader2)
		h.connect(leader2)
		h.wait(4, n, -1) // the restarted leader catches up

		i3 := (h.checkOneLeader() + 1) % n
		h.disconnect(i3)
		h.one(15, n-1, true)
		h.start1(i3)
		h.connect(i3)
		h.one(16, n, true)
	})
}

func TestPersistedStateSurvivesRepeatedMinorityAndMajorityCrashes(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		h := newHarness(t, n, true, false)
		index := 1
		for iter := 0; iter < 5; iter++ {
			h.one(10+index, n, true)
			index++
			leader1 := h.checkOneLeader()
			h.disconnect((leader1 + 1) % n)
			h.disconnect((leader1 + 2) % n)
			h.one(10+index, n-2, true)
			index++

			h.disconnect((leader1 + 0) % n)
			h.disconnect((leader1 + 3) % n)
			h.disconnect((leader1 + 4) % n)
			h.start1((leader1 + 1) % n)
			h.start1((leader1 + 2) % n)
			h.connect((leader1 + 1) % n)
			h.connect((leader1 + 2) % n)
			time.Sleep(electionTimeout)
			h.start1((leader1 + 3) % n)
			h.connect((leader1 + 3) % n)
			h.one(10+index, n-2, true)
			index++
			h.connect((leader1 + 4) % n)
			h.connect((leader1 + 0) % n)
		}
		h.one(1000, n, true)
	})
}

func TestPersistedStateSurvivesCrashOfLeaderAndFollowerWithPartitionedPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := newHarness(t, n, true, false)
		h.one(101, 3, true)
		leader := h.checkOneLeader()
		h.disconnect((leader + 2) % n)
		h.one(102, 2, true)
		h.crash1((leader + 0) % n)
		h.crash1((leader + 1) % n)
		h.connect((leader + 2) % n)
		h.start1((leader + 0) % n)
		h.connect((leader + 0) % n)
		h.one(103, 2, true)
		h.start1((leader + 1) % n)
		h.connect((leader + 1) % n)
		h.one(104, n, true)
	})
}

// figure8 is the scenario of Figure 8 of the paper, many times over: leaders
// crash (or are cut off) right after taking commands, so that entries of old
// terms are replicated to a majority by later leaders. A leader that counted
// replicas of old-term entries to commit them would lose committed entries.
func figure8(t *testing.T, unreliable bool) {
	const n = 5
	h := newHarness(t, n, !unreliable, false)
	h.one(h.rng.IntN(10000), 1, true)
	nup := n
	for iter := 0; iter < 1000; iter++ {
		if unreliable && iter == 200 {
			h.setLongReordering(true)
		}
		leader := -1
		for i := 0; i < n; i++ {
			if rf := h.raft(i); rf != nil && (!unreliable || h.isConnected(i)) {
				if _, _, ok := rf.Start(h.rng.IntN(10000)); ok {
					leader = i
				}
			}
		}
		if h.rng.IntN(1000) < 100 {
			time.Sleep(time.Duration(h.rng.Int64N(int64(electionTimeout / 2))))
		} else {
			time.Sleep(time.Duration(h.rng.IntN(13)) * time.Millisecond)
		}
		if unreliable {
			if leader != -1 && h.rng.IntN(1000) < int(electionTimeout/time.Millisecond)/2 {
				h.disconnect(leader)
				nup--
			}
			if nup < 3 {
				if s := h.rng.IntN(n); !h.isConnected(s) {
					h.connect(s)
					nup++
				}
			}
		} else {
			if leader != -1 {
				h.crash1(leader)
				nup--
			}
			if nup < 3 {
				if s := h.rng.IntN(n); h.raft(s) == nil {
					h.start1(s)
					h.connect(s)
					nup++
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		if h.raft(i) == nil {
			h.start1(i)
		}
		h.connect(i)
	}
	if unreliable {
		h.setLongReordering(false)
	}
	h.one(h.rng.IntN(10000), n, true)
}

func TestFigure8CommitsOnlyCurrentTermEntriesByCounting(t *testing.T) {
	run(t, func(t *testing.T) { figure8(t, false) })
}

func TestFigure8CommitsOnlyCurrentTermEntriesOnUnreliableNetwork(t *testing.T) {
	run(t, func(t *testing.T) { figure8(t, true) })
}

func TestAgreementOnUnreliableNetwork(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		h := newHarness(t, n, false, false)
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for iter := 1; iter < 50; iter++ {
			for j := 0; j < 4; j++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := h.tryOne(100*iter+j, 1, true); err != nil {
						errs <- err
					}
				}()
			}
			h.one(iter, 1, true)
		}
		h.setReliable(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		h.one(100, n, true)
	})
}

// churn crashes, restarts, disconnects and reconnects peers at random while
// three clients submit commands, then checks that every command a client saw
// committed is in the final log.
func churn(t *testing.T, unreliable bool) {
	const n = 5
	h := newHarness(t, n, !unreliable, false)
	var stop atomic.Bool
	type result struct {
		values []int
		err    error
	}
	results := make(chan result, 3)
	for c := 0; c < 3; c++ {
		rng := h.childRand()
		go func() {
			var r result
			defer func() { results <- r }()
			for !stop.Load() {
				x := rng.Int()
				index, ok := -1, false
				for i := 0; i < n; i++ {
					if rf := h.raft(i); rf != nil {
						if index1, _, ok1 := rf.Start(x); ok1 {
							index, ok = index1, true
						}
					}
				}
				if !ok {
					time.Sleep(time.Duration(79+c*17) * time.Millisecond)
					continue
				}
				for _, to := range []int{10, 20, 50, 100, 200} {
					if nd, cmd := h.committed(index); nd > 0 {
						if xx, isInt := cmd.(int); !isInt {
							r.err = errWrongType(index, cmd)
							return
						} else if xx == x {
							r.values = append(r.values, x)
						}
						break
					}
					time.Sleep(time.Duration(to) * time.Millisecond)
				}
			}
		}()
	}
	for iter := 0; iter < 20; iter++ {
		if h.rng.IntN(1000) < 200 {
			h.disconnect(h.rng.IntN(n))
		}
		if h.rng.IntN(1000) < 500 {
			i := h.rng.IntN(n)
			if h.raft(i) == nil {
				h.start1(i)
			}
			h.connect(i)
		}
		if h.rng.IntN(1000) < 200 {
			if i := h.rng.IntN(n); h.raft(i) != nil {
				h.crash1(i)
			}
		}
		// Often enough for the cluster to make progress now and then.
		time.Sleep(electionTimeout * 7 / 10)
	}
	time.Sleep(electionTimeout)
	h.setReliable(true)
	for i := 0; i < n; i++ {
		if h.raft(i) == nil {
			h.start1(i)
		}
		h.connect(i)
	}
	stop.Store(true)
	var values []int
	for c := 0; c < 3; c++ {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		values = append(values, r.values...)
	}
	time.Sleep(electionTimeout)
	last := h.one(h.rng.Int(), n, true)
	really := map[int]bool{}
	for index := 1; index <= last; index++ {
		if x, ok := h.wait(index, n, -1).(int); ok {
			really[x] = true
		}
	}
	for _, v := range values {
		if !really[v] {
			t.Fatalf("command %d was seen committed but is not in the final log", v)
		}
	}
	t.Logf("%d commands committed through churn, %d entries in the log", len(values), last)
}

func TestCommittedCommandsSurviveChurn(t *testing.T) {
	run(t, func(t *testing.T) { churn(t, false) })
}

func TestCommittedCommandsSurviveChurnOnUnreliableNetwork(t *testing.T) {
	run(t, func(t *testing.T) { churn(t, true) })
}
