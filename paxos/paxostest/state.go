package paxostest

import (
	"fmt"

	"distlab/labtest/report"
	"distlab/paxos"
)

// State is a Paxos peer's state as the run report's lane shows it, read
// through the peer's local accessors (Min, Max, Status: no message is
// sent): Commit and Applied are the highest instance of its decided
// prefix (every instance up to it decided or forgotten here; Min-1 if
// none beyond), and the note counts the instances between Min and Max it
// knows as decided. Paxos has no roles or terms. A lab whose servers hold
// a Paxos peer records them with labtest.Cluster.RecordStates and State.
//
// State looks at every instance from Min to Max; Lanes' states look only
// above the prefix they found last time.
func State(px *paxos.Paxos) report.State {
	lo, hi := px.Min(), px.Max()
	prefix, decided, _ := scan(px, lo-1, hi)
	return report.State{Commit: prefix, Applied: prefix, Note: fmt.Sprintf("decided %d, min %d, max %d", decided, lo, hi)}
}

// scan returns the end of px's decided prefix, starting from from (every
// instance up to from is known decided or forgotten), and how many
// instances above from up to hi are decided, and how many pending.
func scan(px *paxos.Paxos, from, hi int) (prefix, decided, pending int) {
	prefix = from
	for s := from + 1; s <= hi; s++ {
		switch f, _ := px.Status(s); f {
		case paxos.Pending:
			pending++
		case paxos.Decided:
			decided++
			fallthrough
		default: // forgotten by this peer's own Done: decided before
			if pending == 0 {
				prefix = s
			}
		}
	}
	return prefix, decided, pending
}

// Lanes computes the states of a group's peers for the run report as State
// does, but keeps each peer's decided prefix between calls (it never goes
// back for one incarnation), so that a call looks only at the instances
// above it; the note counts the pending ones instead. Its method is called
// from one goroutine (labtest.Cluster.RecordStates').
type Lanes struct {
	px     []*paxos.Paxos // the incarnation prefix[i] is of
	prefix []int
}

// NewLanes returns the Lanes of a group of n peers.
func NewLanes(n int) *Lanes {
	return &Lanes{px: make([]*paxos.Paxos, n), prefix: make([]int, n)}
}

// State is peer i's state; px is its current incarnation.
func (l *Lanes) State(i int, px *paxos.Paxos) report.State {
	lo, hi := px.Min(), px.Max()
	if l.px[i] != px {
		l.px[i], l.prefix[i] = px, lo-1
	}
	prefix, _, pending := scan(px, max(l.prefix[i], lo-1), hi)
	l.prefix[i] = prefix
	return report.State{Commit: prefix, Applied: prefix, Note: fmt.Sprintf("%d pending, min %d, max %d", pending, lo, hi)}
}
