package labtest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/porcupine"
)

func TestReportFindsEachOfAClientsOperationsAtOneInstant(t *testing.T) {
	// Client 1's put returns at the instant it is called, and its get is
	// called then too: the two share client, call and return times.
	ops := []porcupine.Operation{
		{ClientId: 0, Call: 1, Return: 9, Input: "put y", Output: ""},
		{ClientId: 1, Call: 5, Return: 5, Input: "put x", Output: ""},
		{ClientId: 1, Call: 5, Return: 5, Input: "get x", Output: "1"},
	}
	x := newOpIndex(ops)
	require.Equal(t, 2, x.find(ops[2]))
	require.Equal(t, 2, x.claim(ops[2]), "the get, found by its input and output")
	require.Equal(t, 1, x.claim(ops[1]), "the put")
	require.Equal(t, 0, x.claim(ops[0]))
	require.Equal(t, -1, x.claim(ops[1]), "each history operation is claimed once")
	require.Equal(t, 1, x.find(ops[1]), "finding does not need an unclaimed operation")

	// A model that rewrites its partitions' inputs still finds each one once.
	x = newOpIndex(ops)
	rewritten := ops[1]
	rewritten.Input = "put x'"
	require.Equal(t, 1, x.claim(rewritten))
	require.Equal(t, 2, x.claim(rewritten))
	require.Equal(t, -1, x.claim(porcupine.Operation{ClientId: 3, Call: 5, Return: 5}))
}
