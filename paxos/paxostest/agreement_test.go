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
