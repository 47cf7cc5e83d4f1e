package porcupine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAnnotationWithoutEndIsAPointInTime(t *testing.T) {
	var info LinearizationInfo
	info.AddAnnotations([]Annotation{{Tag: "test", Start: 5, Description: "crash"}, {ClientId: 1, Start: 1, End: 9}})
	require.Len(t, info.annotations, 2)
	require.Equal(t, int64(5), info.annotations[0].End)
	require.Equal(t, int64(9), info.annotations[1].End)
}

func TestPartialLinearizationsOperationsFollowIds(t *testing.T) {
	info := LinearizationInfo{
		history:  [][]Operation{{{Input: "a"}, {Input: "b"}, {Input: "c"}}},
		partials: [][][]int{{{2, 0}, {1}}},
	}
	got := info.PartialLinearizationsOperations()
	require.Equal(t, []interface{}{"c", "a"}, []interface{}{got[0][0][0].Input, got[0][0][1].Input})
	require.Equal(t, "b", got[0][1][0].Input)
}

func TestVerboseInfoKeepsEachPartitionsOperationsAndVerdict(t *testing.T) {
	model := Model{
		Partition: func(h []Operation) [][]Operation { return [][]Operation{h[:1], h[1:]} },
		Init:      func() interface{} { return 0 },
		Step: func(s, in, out interface{}) (bool, interface{}) {
			return in.(int) == s.(int), s.(int) + 1
		},
	}
	ops := []Operation{{Input: 0, Call: 0, Return: 1}, {Input: 0, Call: 0, Return: 1}, {Input: 5, Call: 2, Return: 3}}
	res, info := CheckOperationsVerbose(model, ops, 0)
	require.Equal(t, Illegal, res)
	require.Len(t, info.history, 2)
	require.Equal(t, []CheckResult{Ok, Illegal}, info.verdicts)
	require.Equal(t, [][]int{{0}}, info.partials[0])
	require.Equal(t, [][]int{{0}}, info.partials[1], "the longest partial linearization of the second partition")
}

func TestEventsShareOneTimeAxisAcrossPartitions(t *testing.T) {
	events := []Event{
		{Kind: CallEvent, Value: "a", Id: 1},
		{Kind: CallEvent, Value: "b", Id: 2},
		{Kind: ReturnEvent, Id: 2},
		{Kind: ReturnEvent, Id: 1},
		{Kind: ReturnEvent, Id: 99}, // no call: ignored
		{Kind: CallEvent, Value: "c", Id: 3},
	}
	ops := eventsToOperations(events[1:3], eventSpans(events))
	require.Len(t, ops, 1)
	require.Equal(t, int64(1), ops[0].Call)
	require.Equal(t, int64(2), ops[0].Return)
	all := eventsToOperations(events, nil)
	require.Len(t, all, 3)
	require.Equal(t, NoReturn, all[2].Return, "a call without return is pending")
}
