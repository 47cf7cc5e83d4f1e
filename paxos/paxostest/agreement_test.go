package paxostest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/paxos"
)

func TestAgreementReportsTwoValuesForOneInstanceAndUnproposedValues(t *testing.T) {
	a := newAgreement()
	p1, p2 := &paxos.Paxos{}, &paxos.Paxos{}
	a.proposed(3, "x")
	a.proposed(3, "y")
	a.decided(p1, 0, 3, "x")
	a.decided(p2, 1, 3, "x")
	require.Empty(t, a.violations())
	a.decided(p2, 2, 3, "y")
	require.Len(t, a.violations(), 1)
	require.Contains(t, a.violations()[0], "one value per slot")
	a.decided(p1, 0, 4, "z")
	require.Len(t, a.violations(), 2)
	require.Contains(t, a.violations()[1], "never proposed")
}

// TestUnrecordedAsksAgainUntilDecidedOrForgotten checks what a poll asks
// about: every instance in [lo, hi] not yet recorded for that incarnation,
// again on every poll until recorded, and none below lo.
func TestUnrecordedAsksAgainUntilDecidedOrForgotten(t *testing.T) {
	a := newAgreement()
	p1, p2 := &paxos.Paxos{}, &paxos.Paxos{}
	a.proposed(1, "one")
	require.ElementsMatch(t, []int{0, 1, 2, 3}, a.unrecorded(p1, 0, 3))
	a.decided(p1, 0, 1, "one")
	a.forgotten(p1, 0)
	require.ElementsMatch(t, []int{2, 3}, a.unrecorded(p1, 0, 3), "pending ones asked again")
	require.ElementsMatch(t, []int{2, 3, 4, 5}, a.unrecorded(p1, 0, 5), "new ones above the last poll")
	require.ElementsMatch(t, []int{4, 5}, a.unrecorded(p1, 4, 5), "none below Min")
	require.ElementsMatch(t, []int{4, 5}, a.unrecorded(p1, 2, 5), "Min never goes back: 2, 3 stay dropped")
	require.ElementsMatch(t, []int{0, 1, 2}, a.unrecorded(p2, 0, 2), "each incarnation on its own")
	require.Empty(t, a.violations())
}
