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
func State(px *paxos.Paxos) report.State {
	lo, hi := px.Min(), px.Max()
	prefix, decided, gap := lo-1, 0, false
	for s := lo; s <= hi; s++ {
		switch f, _ := px.Status(s); {
		case f == paxos.Pending:
			gap = true
		case f == paxos.Decided:
			decided++
			fallthrough
		default: // forgotten by this peer's own Done: decided before
			if !gap {
				prefix = s
			}
		}
	}
	return report.State{Commit: prefix, Applied: prefix, Note: fmt.Sprintf("decided %d, min %d, max %d", decided, lo, hi)}
}
