package raft_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
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

// §5.2: a candidate counts only votes granted in its current term. Peer x
// stops hearing the leader and campaigns; the one vote it gets (from w)
// is held back for a second, and x is cut off from everyone else, so it
// goes on campaigning alone in later terms. When the late vote arrives, x
// is a candidate of a later term in which nobody voted for it: with its
// own vote and that stale one it would have a majority of three, and lead
// a term it never won.
func TestLateVoteFromAnEarlierTermDoesNotElectACandidate(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 3
		const hold = time.Second // longer than any election timeout
		h := rafttest.New(t, n, rafttest.Config{})
		leader := h.CheckOneLeader()
		x, w := (leader+1)%n, (leader+2)%n
		lt := h.Labtest()
		xName, wName, fromX, fromLeader := lt.ServerName(x), lt.ServerName(w), lt.ServerName(x)+">", lt.ServerName(leader)+">"
		var mu sync.Mutex
		var held uint64 // the call whose vote reply is held back; 0 before x campaigns
		observe(h, func(m *labrpc.Message) {
			end, _ := m.End.(string)
			srv, _ := m.Server.(string)
			byX, toX := strings.HasPrefix(end, fromX), srv == xName
			mu.Lock()
			defer mu.Unlock()
			switch {
			case held != 0 && m.Call == held:
				if m.Kind == labrpc.Reply {
					m.Delay = hold
				}
			case held != 0 && (byX || toX):
				m.Fate = labrpc.Dropped // x is alone from its first election on
			case byX && m.Kind == labrpc.Request && m.Method == "Raft.RequestVote":
				if srv == wName {
					held = m.Call
				} else {
					m.Fate = labrpc.Dropped
				}
			case toX && strings.HasPrefix(end, fromLeader):
				m.Fate = labrpc.Dropped // x stops hearing the leader and campaigns
			}
		})
		for {
			time.Sleep(10 * time.Millisecond)
			mu.Lock()
			started := held != 0
			mu.Unlock()
			if started {
				break
			}
		}
		time.Sleep(hold + 100*time.Millisecond)
		st := h.Raft(x).Inspect()
		if st.Leader {
			t.Fatalf("S%d leads term %d though it was cut off from every voter of that term: a vote granted in an earlier term was counted", x, st.Term)
		}
		if st.Role != "candidate" {
			t.Fatalf("S%d is a %s in term %d; the scenario needs it campaigning alone", x, st.Role, st.Term)
		}
		h.CheckOneLeader()
	})
}

// Figure 2: a peer that grants a vote restarts its election timer, so the
// leader it elects has a whole election timeout to reach it. Here every
// AppendEntries takes 150 ms, less than any election timeout: once a leader
// is elected, no peer may time out and start another election, so the term
// stays put. A voter that kept the deadline it had before voting would
// time out while the new leader's first message is on its way, and depose
// that leader. Three elections of five peers (the start, then two leader
// crashes) give the bug many voters to show in.
func TestVoterDoesNotCampaignAgainstTheLeaderItJustElected(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		const slow = 150 * time.Millisecond // below electionTimeoutMin (300 ms)
		h := rafttest.New(t, n, rafttest.Config{})
		observe(h, func(m *labrpc.Message) {
			if m.Kind == labrpc.Request && m.Method == "Raft.AppendEntries" && m.Fate == labrpc.Delivered {
				m.Delay = slow
			}
		})
		for round := range 3 {
			// Catch the leader the moment it is elected.
			leader, term := -1, 0
			for leader == -1 {
				time.Sleep(time.Millisecond)
				for i := range n {
					if rf := h.Raft(i); rf != nil {
						if st := rf.Inspect(); st.Leader {
							leader, term = i, st.Term
						}
					}
				}
			}
			time.Sleep(2 * electionTimeout)
			for i := range n {
				if rf := h.Raft(i); rf != nil {
					if st := rf.Inspect(); st.Term != term || st.Leader != (i == leader) {
						t.Fatalf("election %d: S%d was elected in term %d, but %v later S%d is a %s in term %d: a peer campaigned against a leader whose messages take %v",
							round+1, leader, term, 2*electionTimeout, i, st.Role, st.Term, slow)
					}
				}
			}
			h.Crash(leader)
		}
	})
}
