package porcupine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

func read(client int, call, ret int64, v int) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Input: models.RegisterInput{Op: models.RegisterRead}, Call: call, Output: models.RegisterOutput{Value: v}, Return: ret}
}

func write(client int, call, ret int64, v int) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Input: models.RegisterInput{Op: models.RegisterWrite, Value: v}, Call: call, Output: models.RegisterOutput{}, Return: ret}
}

func pending(op porcupine.Operation) porcupine.Operation {
	op.Return = porcupine.NoReturn
	op.Output = nil
	return op
}

func TestClassicRegisterHistories(t *testing.T) {
	cases := []struct {
		name string
		ops  []porcupine.Operation
		want bool
	}{
		{"a read concurrent with a write may see either value (old)",
			[]porcupine.Operation{write(0, 0, 10, 1), read(1, 2, 5, 0)}, true},
		{"a read concurrent with a write may see either value (new)",
			[]porcupine.Operation{write(0, 0, 10, 1), read(1, 2, 5, 1)}, true},
		{"a read after a completed write sees it",
			[]porcupine.Operation{write(0, 0, 10, 1), read(1, 11, 12, 0)}, false},
		{"intervals are closed: a read called as the write returns is concurrent",
			[]porcupine.Operation{write(0, 0, 10, 1), read(1, 10, 12, 0)}, true},
		{"new-old inversion: once a read saw the new value, a later read cannot see the old",
			[]porcupine.Operation{write(0, 0, 100, 1), read(1, 10, 20, 1), read(2, 30, 40, 0)}, false},
		{"two reads concurrent with each other may disagree in either order",
			[]porcupine.Operation{write(0, 0, 100, 1), read(1, 10, 40, 1), read(2, 30, 50, 0)}, true},
		{"a value nobody wrote cannot be read",
			[]porcupine.Operation{write(0, 0, 10, 1), read(1, 0, 10, 2)}, false},
		{"the empty history is linearizable", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, porcupine.CheckOperations(models.RegisterModel, c.ops))
			require.Equal(t, c.want, bruteForce(models.RegisterModel, c.ops), "reference checker")
			require.Equal(t, c.want, porcupine.CheckEvents(models.RegisterModel, toEvents(c.ops)), "events")
		})
	}
}

func TestPendingOperationMayTakeEffectLateOrNever(t *testing.T) {
	w := pending(write(0, 0, 0, 1))
	cases := []struct {
		name string
		ops  []porcupine.Operation
		want bool
	}{
		{"never", []porcupine.Operation{w, read(1, 50, 60, 0)}, true},
		{"long after its call", []porcupine.Operation{w, read(1, 50, 60, 0), read(1, 70, 80, 1)}, true},
		{"but not undone once seen", []porcupine.Operation{w, read(1, 50, 60, 1), read(1, 70, 80, 0)}, false},
		{"and not before its call", []porcupine.Operation{read(1, 0, 5, 1), pending(write(0, 10, 0, 1))}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, porcupine.CheckOperations(models.RegisterModel, c.ops))
			require.Equal(t, c.want, porcupine.CheckEvents(models.RegisterModel, toEvents(c.ops)), "events")
		})
	}
}

func TestCallEventWithoutReturnIsPending(t *testing.T) {
	events := []porcupine.Event{
		{ClientId: 0, Kind: porcupine.CallEvent, Value: models.RegisterInput{Op: models.RegisterWrite, Value: 7}, Id: 1},
		{ClientId: 1, Kind: porcupine.CallEvent, Value: models.RegisterInput{Op: models.RegisterRead}, Id: 2},
		{ClientId: 1, Kind: porcupine.ReturnEvent, Value: models.RegisterOutput{Value: 7}, Id: 2},
		{ClientId: 1, Kind: porcupine.CallEvent, Value: models.RegisterInput{Op: models.RegisterRead}, Id: 3},
		{ClientId: 1, Kind: porcupine.ReturnEvent, Value: models.RegisterOutput{Value: 7}, Id: 3},
	}
	require.True(t, porcupine.CheckEvents(models.RegisterModel, events))
	res, info := porcupine.CheckEventsVerbose(models.RegisterModel, events, 0)
	require.Equal(t, porcupine.Ok, res)
	ops := info.PartialLinearizationsOperations()[0][0]
	require.Len(t, ops, 3, "the pending write took effect, before both reads")
	require.Equal(t, models.RegisterInput{Op: models.RegisterWrite, Value: 7}, ops[0].Input)
}

func TestPartitionedHistoryIsIllegalIfAnyPartitionIs(t *testing.T) {
	get := func(c int, call, ret int64, k, v string) porcupine.Operation {
		return porcupine.Operation{ClientId: c, Input: models.KvInput{Op: models.OpGet, Key: k}, Call: call, Output: models.KvOutput{Value: v}, Return: ret}
	}
	put := func(c int, call, ret int64, k, v string) porcupine.Operation {
		return porcupine.Operation{ClientId: c, Input: models.KvInput{Op: models.OpPut, Key: k, Value: v}, Call: call, Output: models.KvOutput{}, Return: ret}
	}
	good := []porcupine.Operation{put(0, 0, 10, "a", "1"), put(1, 0, 10, "b", "2"), get(2, 20, 30, "a", "1"), get(2, 40, 50, "b", "2")}
	require.True(t, porcupine.CheckOperations(models.KvModel, good))
	// Each get is right about its own key, but b's value was overwritten.
	bad := append(good[:4:4], put(0, 60, 70, "b", "3"), get(1, 80, 90, "b", "2"))
	require.False(t, porcupine.CheckOperations(models.KvModel, bad))
	res, info := porcupine.CheckOperationsVerbose(models.KvModel, bad, 0)
	require.Equal(t, porcupine.Illegal, res)
	require.Len(t, info.PartialLinearizations(), 2, "one entry per key")
	// Key a is linearizable: its entry is one complete linearization.
	require.Len(t, info.PartialLinearizations()[0], 1)
	require.Len(t, info.PartialLinearizations()[0][0], 2)
	// Key b's longest partial linearization stops before the stale get.
	for _, lin := range info.PartialLinearizationsOperations()[1] {
		require.Less(t, len(lin), 4)
	}
}

// hardHistory is n appends to one key, all concurrent, and then a get that no
// order of them explains: proving that takes a search over every order.
func hardHistory(n int) []porcupine.Operation {
	var ops []porcupine.Operation
	for i := 0; i < n; i++ {
		ops = append(ops, porcupine.Operation{ClientId: i, Input: models.KvInput{Op: models.OpAppend, Key: "k", Value: string(rune('a' + i%26))}, Call: 0, Output: models.KvOutput{}, Return: 100})
	}
	return append(ops, porcupine.Operation{ClientId: n, Input: models.KvInput{Op: models.OpGet, Key: "k"}, Call: 200, Output: models.KvOutput{Value: "impossible"}, Return: 300})
}

func TestTimeoutGivesUnknown(t *testing.T) {
	res := porcupine.CheckOperationsTimeout(models.KvModel, hardHistory(40), 50*time.Millisecond)
	require.Equal(t, porcupine.Unknown, res)
	res, _ = porcupine.CheckOperationsVerbose(models.KvModel, hardHistory(40), 50*time.Millisecond)
	require.Equal(t, porcupine.Unknown, res)
	require.Equal(t, porcupine.Unknown, porcupine.CheckEventsTimeout(models.KvModel, toEvents(hardHistory(40)), 50*time.Millisecond))
}

func TestZeroTimeoutMeansNoLimit(t *testing.T) {
	require.Equal(t, porcupine.Illegal, porcupine.CheckOperationsTimeout(models.KvModel, hardHistory(6), 0))
}

func TestStepContextSeesTheTimeout(t *testing.T) {
	sawCancel := make(chan struct{}, 1)
	model := porcupine.Model{
		Init: func() interface{} { return 0 },
		StepContext: func(ctx context.Context, state, in, out interface{}) (bool, interface{}) {
			<-ctx.Done() // an expensive step that only a timeout ends
			select {
			case sawCancel <- struct{}{}:
			default:
			}
			return true, state
		},
	}
	res := porcupine.CheckOperationsTimeout(model, []porcupine.Operation{{Input: 1, Call: 0, Return: 1}}, 20*time.Millisecond)
	require.Equal(t, porcupine.Unknown, res)
	require.Len(t, sawCancel, 1)
}

func TestVerboseStopsOtherPartitionsOnceOneIsIllegal(t *testing.T) {
	// Key "k" alone would take practically forever; key "z" is quickly
	// illegal, which decides the answer.
	ops := hardHistory(40)
	ops = append(ops,
		porcupine.Operation{Input: models.KvInput{Op: models.OpPut, Key: "z", Value: "1"}, Call: 0, Output: models.KvOutput{}, Return: 1},
		porcupine.Operation{Input: models.KvInput{Op: models.OpGet, Key: "z"}, Call: 2, Output: models.KvOutput{Value: "2"}, Return: 3})
	res, info := porcupine.CheckOperationsVerbose(models.KvModel, ops, 0)
	require.Equal(t, porcupine.Illegal, res)
	require.Len(t, info.PartialLinearizations(), 2)
	require.False(t, porcupine.CheckOperations(models.KvModel, ops))
}

func TestNondeterministicModelIsCheckedThroughToModel(t *testing.T) {
	// A register whose write may be lost: after write(v) it holds v or its
	// old value.
	lossy := porcupine.NondeterministicModel{
		Init: func() []interface{} { return []interface{}{0} },
		Step: func(state, in, out interface{}) []interface{} {
			i := in.(models.RegisterInput)
			if i.Op == models.RegisterWrite {
				return []interface{}{state, i.Value}
			}
			if out.(models.RegisterOutput).Value == state.(int) {
				return []interface{}{state}
			}
			return nil
		},
	}
	m := lossy.ToModel()
	require.True(t, porcupine.CheckOperations(m, []porcupine.Operation{write(0, 0, 1, 5), read(0, 2, 3, 0)}), "the write was lost")
	require.True(t, porcupine.CheckOperations(m, []porcupine.Operation{write(0, 0, 1, 5), read(0, 2, 3, 5)}), "the write took effect")
	require.False(t, porcupine.CheckOperations(m, []porcupine.Operation{write(0, 0, 1, 5), read(0, 2, 3, 5), read(0, 4, 5, 0)}), "but not both")
	require.Contains(t, m.DescribeState(m.Init()), "0")
}

func TestModelWithoutEqualAndIncomparableStatesPanicsClearly(t *testing.T) {
	m := porcupine.Model{
		Init: func() interface{} { return []int{} },
		Step: func(s, in, out interface{}) (bool, interface{}) { return true, s },
	}
	defer func() {
		msg, _ := recover().(string)
		require.True(t, strings.Contains(msg, "give the Model an Equal"), "panic message %q", msg)
	}()
	porcupine.CheckOperations(m, []porcupine.Operation{{Input: 1, Call: 0, Return: 1}})
	t.Fatal("no panic")
}

// TestUnknownOutputClosedAtTheEndMayTakeEffectEarly checks the shortcut for
// operations that return after everything else with an unknown (nil)
// output: one that cannot take effect at the end must still be tried
// earlier, where it can.
func TestUnknownOutputClosedAtTheEndMayTakeEffectEarly(t *testing.T) {
	// State is an int, initially 0; "set1" sets it to 1; "is0" only
	// succeeds in state 0 and changes nothing.
	model := porcupine.Model{
		Init: func() interface{} { return 0 },
		Step: func(state, in, out interface{}) (bool, interface{}) {
			if in == "set1" {
				return true, 1
			}
			return state == 0, state
		},
	}
	is0 := porcupine.Operation{Input: "is0", Call: 0, Return: 10}
	set1 := porcupine.Operation{Input: "set1", Call: 2, Return: 3}
	ops := []porcupine.Operation{is0, set1}
	require.True(t, porcupine.CheckOperations(model, ops), "is0 takes effect before set1")
	require.True(t, bruteForce(model, ops))
	is0.Call = 4 // now after set1 returned
	ops = []porcupine.Operation{is0, set1}
	require.False(t, porcupine.CheckOperations(model, ops))
	require.False(t, bruteForce(model, ops))
}
