package porcupine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSmallCheckHandsPartitionsUndecidedInlineToTheWorkers(t *testing.T) {
	// Partition 0 needs more than a first turn; partition 1 is one write
	// and a read of it (right or wrong).
	hard := concurrentAppends(7, "6543210")
	s := newSearcher(context.Background(), fillDefaults(appendModel), true, hard, false)
	_, done := s.run(firstBudget)
	require.False(t, done, "the hard partition is decided in its first turn: the test checks nothing")

	byClient := appendModel
	byClient.Partition = func(h []Operation) [][]Operation {
		parts := make([][]Operation, 2)
		for _, op := range h {
			parts[op.ClientId] = append(parts[op.ClientId], op)
		}
		return parts
	}
	for _, c := range []struct {
		read string
		want CheckResult
	}{{"x", Ok}, {"y", Illegal}} {
		ops := append(hard[:len(hard):len(hard)],
			Operation{ClientId: 1, Input: "x", Call: 0, Return: 1},
			Operation{ClientId: 1, Input: "read", Call: 2, Output: c.read, Return: 3})
		require.LessOrEqual(t, len(ops), inlineOps, "not a small check")
		require.Equal(t, c.want == Ok, CheckOperations(byClient, ops), "reading %q", c.read)
		res, info := CheckOperationsVerbose(byClient, ops, 0)
		require.Equal(t, c.want, res, "reading %q", c.read)
		require.Len(t, info.PartialLinearizations(), 2)
	}
}
