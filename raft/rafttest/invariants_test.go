package rafttest

import (
	"strings"
	"testing"

	"distlab/labtest"
	"distlab/raft"
)

// pv makes a view of peer id: its term, whether it leads, its commit index
// and its log (one term per entry, command = 10*index + term).
func pv(id, term int, leader bool, commit int, terms ...int) peerView {
	var es []raft.LogEntry
	for k, t := range terms {
		es = append(es, raft.LogEntry{Term: t, Command: 10*(k+1) + t})
	}
	return peerView{rf: &raft.Raft{}, id: id, term: term, isLeader: leader, commitIndex: commit, log: viewLog{entries: es}}
}

func checkViews(views ...[]peerView) (found []string, signalled bool) {
	a := labtest.NewAgreement(sameCommand)
	v := newInvariants(a)
	for _, vs := range views {
		v.check(vs)
	}
	select {
	case <-a.Failed():
		signalled = true
	default:
	}
	return a.Violations(), signalled
}

func requireViolation(t *testing.T, found []string, signalled bool, want string) {
	t.Helper()
	if !signalled {
		t.Fatalf("no violation signalled, want %q", want)
	}
	for _, f := range found {
		if strings.HasPrefix(f, want) {
			return
		}
	}
	t.Fatalf("violations %q, want one starting with %q", found, want)
}

func TestCheckerAcceptsAHealthyCluster(t *testing.T) {
	found, signalled := checkViews(
		[]peerView{pv(0, 2, true, 2, 1, 2, 2), pv(1, 2, false, 2, 1, 2), pv(2, 1, false, 1, 1, 1)},
		[]peerView{pv(0, 2, true, 3, 1, 2, 2), pv(1, 2, false, 3, 1, 2, 2), pv(2, 2, false, 0, 1, 2, 2)},
	)
	if signalled || len(found) > 0 {
		t.Fatalf("violations in a healthy cluster: %q", found)
	}
}

func TestCheckerReportsTwoLeadersInOneTerm(t *testing.T) {
	found, s := checkViews([]peerView{pv(0, 3, true, 0), pv(1, 2, false, 0)}, []peerView{pv(0, 3, false, 0), pv(1, 3, true, 0)})
	requireViolation(t, found, s, "election safety")
}

func TestCheckerReportsLogsThatAgreeOnATermButDifferBefore(t *testing.T) {
	a := pv(0, 3, false, 0, 1, 1, 3)
	b := pv(1, 3, false, 0, 1, 2, 3) // index 3 agrees (term 3), index 2 differs
	found, s := checkViews([]peerView{a, b})
	requireViolation(t, found, s, "log matching")
}

func TestCheckerReportsLeaderMissingACommittedEntry(t *testing.T) {
	found, s := checkViews(
		[]peerView{pv(0, 2, true, 3, 1, 2, 2), pv(1, 2, false, 3, 1, 2, 2)},
		[]peerView{pv(0, 2, false, 3, 1, 2, 2), pv(2, 3, true, 0, 1, 2)}, // leader of term 3 lacks index 3
	)
	requireViolation(t, found, s, "leader completeness")
}

func TestCheckerReportsDifferentCommittedCommands(t *testing.T) {
	a := pv(0, 2, false, 2, 1, 2)
	b := pv(1, 2, false, 2, 1, 1) // a different entry committed at 2
	found, s := checkViews([]peerView{a}, []peerView{b})
	requireViolation(t, found, s, "one value per slot: S1 holds 21 at index 2, but S0 had 22")
}
