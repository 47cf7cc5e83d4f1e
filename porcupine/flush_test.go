package porcupine

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// appendModel is a string built by appends, checked by reads.
var appendModel = Model{
	Init: func() interface{} { return "" },
	Step: func(s, in, out interface{}) (bool, interface{}) {
		if in.(string) == "read" {
			return out.(string) == s.(string), s
		}
		return true, s.(string) + in.(string)
	},
}

// concurrentAppends is n appends, all concurrent, then a read of want.
func concurrentAppends(n int, want string) []Operation {
	var ops []Operation
	for i := 0; i < n; i++ {
		ops = append(ops, Operation{Input: fmt.Sprint(i), Call: 0, Return: 10})
	}
	return append(ops, Operation{Input: "read", Call: 20, Output: want, Return: 30})
}

func TestSearchForgettingItsMemoUnderMemoryPressureKeepsItsVerdict(t *testing.T) {
	oldLimit, oldSteps := heapLimit, flushCheckSteps
	heapLimit, flushCheckSteps = 0, 1024
	defer func() { heapLimit, flushCheckSteps = oldLimit, oldSteps }()

	for _, c := range []struct {
		want   string
		result CheckResult
	}{
		{"impossible", Illegal},
		{"6543210", Ok},
	} {
		s := newSearcher(context.Background(), fillDefaults(appendModel), true, concurrentAppends(7, c.want), false)
		r, done := s.run(0)
		require.True(t, done)
		require.Equal(t, c.result, r.verdict, "reading %q", c.want)
		require.Positive(t, s.flushes, "the memo was never forgotten")
	}
}
