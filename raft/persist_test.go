package raft_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"distlab/raft/rafttest"
)

func TestPersistedStateSurvivesCrashesOfEveryPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(11, n, true)

		// Crash and restart everyone.
		for i := 0; i < n; i++ {
			h.Restart(i)
		}
		for i := 0; i < n; i++ {
			h.Disconnect(i)
			h.Connect(i)
		}
		h.One(12, n, true)

		leader1 := h.CheckOneLeader()
		h.Disconnect(leader1)
		h.Restart(leader1)
		h.Connect(leader1)
		h.One(13, n, true)

		leader2 := h.CheckOneLeader()
		h.Disconnect(leader2)
		h.One(14, n-1, true)
		h.Restart(leader2)
		h.Connect(leader2)
		h.Wait(4, n, -1) // the restarted leader catches up

		i3 := (h.CheckOneLeader() + 1) % n
		h.Disconnect(i3)
		h.One(15, n-1, true)
		h.Restart(i3)
		h.Connect(i3)
		h.One(16, n, true)
	})
}

func TestPersistedStateSurvivesRepeatedMinorityAndMajorityCrashes(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		h := rafttest.New(t, n, rafttest.Config{})
		index := 1
		for iter := 0; iter < 5; iter++ {
			h.One(10+index, n, true)
			index++
			leader1 := h.CheckOneLeader()
			h.Disconnect((leader1 + 1) % n)
			h.Disconnect((leader1 + 2) % n)
			h.One(10+index, n-2, true)
			index++

			h.Disconnect((leader1 + 0) % n)
			h.Disconnect((leader1 + 3) % n)
			h.Disconnect((leader1 + 4) % n)
			h.Restart((leader1 + 1) % n)
			h.Restart((leader1 + 2) % n)
			h.Connect((leader1 + 1) % n)
			h.Connect((leader1 + 2) % n)
			time.Sleep(electionTimeout)
			h.Restart((leader1 + 3) % n)
			h.Connect((leader1 + 3) % n)
			h.One(10+index, n-2, true)
			index++
			h.Connect((leader1 + 4) % n)
			h.Connect((leader1 + 0) % n)
		}
		h.One(1000, n, true)
	})
}

func TestPersistedStateSurvivesCrashOfLeaderAndFollowerWithPartitionedPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		h := rafttest.New(t, n, rafttest.Config{})
		h.One(101, 3, true)
		leader := h.CheckOneLeader()
		h.Disconnect((leader + 2) % n)
		h.One(102, 2, true)
		h.Crash((leader + 0) % n)
		h.Crash((leader + 1) % n)
		h.Connect((leader + 2) % n)
		h.Restart((leader + 0) % n)
		h.Connect((leader + 0) % n)
		h.One(103, 2, true)
		h.Restart((leader + 1) % n)
		h.Connect((leader + 1) % n)
		h.One(104, n, true)
	})
}

// figure8 is the scenario of Figure 8 of the paper, many times over: leaders
// crash (or are cut off) right after taking commands, so that entries of old
// terms are replicated to a majority by later leaders. A leader that counted
// replicas of old-term entries to commit them would lose committed entries.
func figure8(t *testing.T, unreliable bool) {
	const n = 5
	h := rafttest.New(t, n, rafttest.Config{Unreliable: unreliable})
	h.One(h.Rand().IntN(10000), 1, true)
	nup := n
	for iter := 0; iter < 1000; iter++ {
		if unreliable && iter == 200 {
			h.LongReordering(true)
		}
		leader := -1
		for i := 0; i < n; i++ {
			if rf := h.Raft(i); rf != nil && (!unreliable || h.Connected(i)) {
				if _, _, ok := rf.Start(h.Rand().IntN(10000)); ok {
					leader = i
				}
			}
		}
		if h.Rand().IntN(1000) < 100 {
			time.Sleep(time.Duration(h.Rand().Int64N(int64(electionTimeout / 2))))
		} else {
			time.Sleep(time.Duration(h.Rand().IntN(13)) * time.Millisecond)
		}
		if unreliable {
			if leader != -1 && h.Rand().IntN(1000) < int(electionTimeout/time.Millisecond)/2 {
				h.Disconnect(leader)
				nup--
			}
			if nup < 3 {
				if s := h.Rand().IntN(n); !h.Connected(s) {
					h.Connect(s)
					nup++
				}
			}
		} else {
			if leader != -1 {
				h.Crash(leader)
				nup--
			}
			if nup < 3 {
				if s := h.Rand().IntN(n); h.Raft(s) == nil {
					h.Restart(s)
					h.Connect(s)
					nup++
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		if h.Raft(i) == nil {
			h.Restart(i)
		}
		h.Connect(i)
	}
	if unreliable {
		h.LongReordering(false)
	}
	h.One(h.Rand().IntN(10000), n, true)
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
		h := rafttest.New(t, n, rafttest.Config{Unreliable: true})
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for iter := 1; iter < 50; iter++ {
			for j := 0; j < 4; j++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := h.TryOne(100*iter+j, 1, true); err != nil {
						errs <- err
					}
				}()
			}
			h.One(iter, 1, true)
		}
		h.Reliable(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		h.One(100, n, true)
	})
}

// churn crashes, restarts, disconnects and reconnects peers at random while
// three clients submit commands, then checks that every command a client saw
// committed is in the final log.
func churn(t *testing.T, unreliable bool) {
	const n = 5
	h := rafttest.New(t, n, rafttest.Config{Unreliable: unreliable})
	var stop atomic.Bool
	type result struct {
		values []int
		err    error
	}
	results := make(chan result, 3)
	for c := 0; c < 3; c++ {
		rng := h.ChildRand()
		go func() {
			var r result
			defer func() { results <- r }()
			for !stop.Load() {
				x := rng.Int()
				index, ok := -1, false
				for i := 0; i < n; i++ {
					if rf := h.Raft(i); rf != nil {
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
					if nd, cmd := h.Committed(index); nd > 0 {
						if xx, isInt := cmd.(int); !isInt {
							r.err = fmt.Errorf("index %d holds %v (%T), want an int", index, cmd, cmd)
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
		if h.Rand().IntN(1000) < 200 {
			h.Disconnect(h.Rand().IntN(n))
		}
		if h.Rand().IntN(1000) < 500 {
			i := h.Rand().IntN(n)
			if h.Raft(i) == nil {
				h.Restart(i)
			}
			h.Connect(i)
		}
		if h.Rand().IntN(1000) < 200 {
			if i := h.Rand().IntN(n); h.Raft(i) != nil {
				h.Crash(i)
			}
		}
		// Often enough for the cluster to make progress now and then.
		time.Sleep(electionTimeout * 7 / 10)
	}
	time.Sleep(electionTimeout)
	h.Reliable(true)
	for i := 0; i < n; i++ {
		if h.Raft(i) == nil {
			h.Restart(i)
		}
		h.Connect(i)
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
	last := h.One(h.Rand().Int(), n, true)
	really := map[int]bool{}
	for index := 1; index <= last; index++ {
		if x, ok := h.Wait(index, n, -1).(int); ok {
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
