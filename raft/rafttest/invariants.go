package rafttest

import (
	"sync"
	"time"

	"distlab/labtest"
	"distlab/labtest/report"
	"distlab/raft"
)

// pollInterval is how often, on the test's clock, the invariant checker
// looks at every peer's state.
const pollInterval = 25 * time.Millisecond

// invariants watches a cluster for violations of Raft's safety properties
// (Figure 3 of the paper), by looking at every live peer's state at
// intervals of pollInterval:
//
//   - election safety: at most one leader per term;
//   - log matching: if two logs hold an entry with the same index and term,
//     they are identical up to that index;
//   - leader completeness: a leader of term T holds every entry committed
//     in a term before T.
//
// Committed commands it sees in the logs go to the cluster's Agreement,
// which also checks what the peers apply (state machine safety, in-order
// application) and collects the violations found here.
type invariants struct {
	h     *Cluster
	agree *labtest.Agreement[any] // where violations go
	quit  chan struct{}
	done  chan struct{}

	mu      sync.Mutex
	leaders map[int]int // term -> the leader seen in it
	// commitTerm[i] is the smallest currentTerm of a peer seen with
	// commitIndex >= i: the entry at i was committed in that term or before.
	commitTerm map[int]int
	commitCmd  map[int]interface{} // the committed command at i, when first seen in a log
	maxCommit  int                 // highest index in commitTerm
	// seen[rf] is the highest committed index already recorded from that
	// peer incarnation: committed entries never change, and the first look
	// at one sees the smallest term.
	seen map[*raft.Raft]int
	// checked[T] is how far the leader of term T has been checked for
	// leader completeness; a leader never removes entries from its log.
	checked map[int]int
	polls   int
}

// peerView is a copy of one peer's state, taken under its lock.
type peerView struct {
	rf          *raft.Raft
	id          int
	term        int
	isLeader    bool
	commitIndex int
	log         viewLog
}

// viewLog is a peer's log as Inspect returns it, indexed by log index.
type viewLog struct {
	start   int // the snapshot's last index
	entries []raft.LogEntry
}

func (l viewLog) base() int                 { return l.start }
func (l viewLog) lastIndex() int            { return l.start + len(l.entries) }
func (l viewLog) term(i int) int            { return l.entries[i-l.start-1].Term }
func (l viewLog) command(i int) interface{} { return l.entries[i-l.start-1].Command }

func startInvariants(h *Cluster) *invariants {
	v := newInvariants(h.agree)
	v.h = h
	go v.run()
	return v
}

// newInvariants returns a checker that reports violations to agree;
// check feeds it views.
func newInvariants(agree *labtest.Agreement[any]) *invariants {
	return &invariants{
		agree:      agree,
		quit:       make(chan struct{}),
		done:       make(chan struct{}),
		leaders:    map[int]int{},
		commitTerm: map[int]int{},
		commitCmd:  map[int]interface{}{},
		seen:       map[*raft.Raft]int{},
		checked:    map[int]int{},
	}
}

func (v *invariants) run() {
	defer close(v.done)
	tk := time.NewTicker(pollInterval)
	defer tk.Stop()
	for {
		select {
		case <-v.quit:
			v.poll()
			return
		case <-tk.C:
			v.poll()
		}
	}
}

// stop ends the checker after a last look; it may be called more than once.
func (v *invariants) stop() {
	select {
	case <-v.quit:
	default:
		close(v.quit)
	}
	<-v.done
}

func (v *invariants) report(format string, args ...interface{}) {
	v.agree.Violate(format, args...)
}

func view(id int, rf *raft.Raft) (peerView, raft.PeerState) {
	st := rf.Inspect()
	return peerView{
		rf:          rf,
		id:          id,
		term:        st.Term,
		isLeader:    st.Leader,
		commitIndex: st.CommitIndex,
		log:         viewLog{start: st.SnapshotIndex, entries: st.Log},
	}, st
}

// poll takes a look at every live peer, records its state in the run
// report, and checks the invariants.
func (v *invariants) poll() {
	var views []peerView
	rec := v.h.w.Recorder()
	for i := 0; i < v.h.n; i++ {
		name := v.h.c.ServerName(i)
		rf := v.h.Raft(i)
		if rf == nil {
			rec.Down(name)
			continue
		}
		pv, st := view(i, rf)
		views = append(views, pv)
		rec.State(name, reportState(st))
	}
	v.check(views)
}

// check checks the invariants on one look at the live peers.
func (v *invariants) check(views []peerView) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.polls++
	for _, p := range views {
		if p.isLeader {
			if l, ok := v.leaders[p.term]; ok && l != p.id {
				v.report("election safety: S%d and S%d both led term %d", l, p.id, p.term)
			}
			v.leaders[p.term] = p.id
		}
		for i := max(p.log.base(), v.seen[p.rf]) + 1; i <= p.commitIndex && i <= p.log.lastIndex(); i++ {
			v.seen[p.rf] = i
			if t, ok := v.commitTerm[i]; !ok || p.term < t {
				v.commitTerm[i] = p.term
			}
			v.maxCommit = max(v.maxCommit, i)
			cmd := p.log.command(i)
			if _, ok := v.commitCmd[i]; !ok {
				v.commitCmd[i] = cmd
			}
			v.agree.Holds(p.id, i, cmd)
		}
	}
	for a := 0; a < len(views); a++ {
		for b := a + 1; b < len(views); b++ {
			v.checkLogMatching(views[a], views[b])
		}
	}
	for _, p := range views {
		if p.isLeader {
			v.checkLeaderCompleteness(p)
		}
	}
}

// checkLogMatching checks the log matching property on the indices both
// peers hold.
func (v *invariants) checkLogMatching(a, b peerView) {
	// Below both commit indices the entries are checked against the
	// committed commands; the highest such index anchors the check.
	lo := max(a.log.base()+1, b.log.base()+1, min(a.commitIndex, b.commitIndex))
	hi := min(a.log.lastIndex(), b.log.lastIndex())
	matched := false
	for i := hi; i >= lo; i-- {
		ta, tb := a.log.term(i), b.log.term(i)
		if !matched && ta == tb {
			matched = true
		}
		if matched {
			if ta != tb || !sameCommand(a.log.command(i), b.log.command(i)) {
				v.report("log matching: S%d and S%d agree on the term at a later index but differ at %d (t%d %v vs t%d %v)",
					a.id, b.id, i, ta, a.log.command(i), tb, b.log.command(i))
				return
			}
		}
	}
}

// checkLeaderCompleteness checks that leader p holds every entry committed
// in a term before p's.
func (v *invariants) checkLeaderCompleteness(p peerView) {
	from := max(p.log.base(), v.checked[p.term]) + 1
	for i := from; i <= v.maxCommit; i++ {
		t, ok := v.commitTerm[i]
		if !ok || t >= p.term {
			continue
		}
		v.checked[p.term] = i
		if i > p.log.lastIndex() {
			v.report("leader completeness: S%d leads term %d without index %d, committed by term %d", p.id, p.term, i, t)
			continue
		}
		if cmd, ok := v.commitCmd[i]; ok && !sameCommand(cmd, p.log.command(i)) {
			v.report("leader completeness: S%d leads term %d with %v at %d, but %v was committed there by term %d",
				p.id, p.term, p.log.command(i), i, cmd, t)
		}
	}
}

// leaderStats returns how many (term, leader) pairs were seen and the
// highest term seen with a leader.
func (v *invariants) leaderStats() (leaders, maxTerm int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for term := range v.leaders {
		maxTerm = max(maxTerm, term)
	}
	return len(v.leaders), maxTerm
}

// State is a Raft peer's state as the run report shows it: its role, term,
// commit index and last applied index. A lab whose servers hold a Raft
// peer records them with labtest.Cluster.RecordStates and State.
func State(rf *raft.Raft) report.State { return reportState(rf.Inspect()) }

func reportState(st raft.PeerState) report.State {
	return report.State{Role: st.Role, Term: st.Term, Commit: st.CommitIndex, Applied: st.LastApplied}
}
