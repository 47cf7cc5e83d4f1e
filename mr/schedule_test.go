package mr

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func handOut(t *testing.T, s *schedule, now time.Time) TaskReply {
	t.Helper()
	var r TaskReply
	ok, _ := s.next(now, &r)
	require.True(t, ok, "expected a task")
	return r
}

func TestReducesAreHandedOutOnlyAfterEveryMap(t *testing.T) {
	s := newSchedule([]string{"a", "b"}, 3, 10*time.Second)
	m0, m1 := handOut(t, s, t0), handOut(t, s, t0)
	require.Equal(t, TaskMap, m0.Kind)
	require.Equal(t, []string{"a", "b"}, []string{m0.File, m1.File})
	var r TaskReply
	ok, retry := s.next(t0, &r)
	require.False(t, ok, "both maps are running: nothing to hand out")
	require.Equal(t, t0.Add(10*time.Second), retry)

	s.report(&ReportArgs{Kind: TaskMap, Task: 0})
	ok, _ = s.next(t0, &r)
	require.False(t, ok, "map 1 is still running: no reduce yet")
	s.report(&ReportArgs{Kind: TaskMap, Task: 1})
	for i := range 3 {
		r := handOut(t, s, t0)
		require.Equal(t, TaskReduce, r.Kind)
		require.Equal(t, i, r.Task)
		require.Equal(t, 2, r.NMap)
	}
	for i := range 3 {
		require.False(t, s.over())
		s.report(&ReportArgs{Kind: TaskReduce, Task: i})
	}
	require.True(t, s.over())
	require.Equal(t, TaskExit, handOut(t, s, t0).Kind)
}

func TestTimedOutTaskIsHandedOutAgainAndFirstReportWins(t *testing.T) {
	s := newSchedule([]string{"a"}, 1, 10*time.Second)
	require.Equal(t, 0, handOut(t, s, t0).Attempt)
	var r TaskReply
	ok, _ := s.next(t0.Add(10*time.Second-1), &r)
	require.False(t, ok, "not before the timeout")
	again := handOut(t, s, t0.Add(10*time.Second))
	require.Equal(t, TaskMap, again.Kind)
	require.Equal(t, 1, again.Attempt)

	changed, err := s.report(&ReportArgs{Kind: TaskMap, Task: 0})
	require.NoError(t, err)
	require.True(t, changed)
	changed, err = s.report(&ReportArgs{Kind: TaskMap, Task: 0})
	require.NoError(t, err)
	require.False(t, changed, "the slow copy's report changes nothing")
	require.Equal(t, TaskReduce, handOut(t, s, t0).Kind)
}

func TestRepeatedTaskFailuresFailTheJob(t *testing.T) {
	s := newSchedule([]string{"a"}, 1, 10*time.Second)
	for range maxFailures {
		require.False(t, s.over())
		handOut(t, s, t0) // a failed task is idle again at once
		s.report(&ReportArgs{Kind: TaskMap, Task: 0, Worker: "w", Err: "disk on fire"})
	}
	require.True(t, s.over())
	require.ErrorContains(t, s.err, "map task 0 failed 3 times, last on worker w: disk on fire")
}

func TestReportOfUnknownTaskIsRejected(t *testing.T) {
	s := newSchedule([]string{"a"}, 1, time.Second)
	_, err := s.report(&ReportArgs{Kind: TaskReduce, Task: 5})
	require.ErrorContains(t, err, "does not exist")
	_, err = s.report(&ReportArgs{Kind: TaskWait})
	require.Error(t, err)
}

func TestIntermediateRecordsRoundTripAnyBytes(t *testing.T) {
	kvs := []KeyValue{{"", ""}, {"a b\nc", "1"}, {"\x00\xff", string(make([]byte, 300))}, {"é", "ß"}}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	for _, kv := range kvs {
		writeKV(w, kv)
	}
	require.NoError(t, w.Flush())
	got, err := decodeKVs(buf.String(), nil)
	require.NoError(t, err)
	require.Equal(t, kvs, got)

	for cut := 1; cut < buf.Len(); cut++ {
		got, err := decodeKVs(buf.String()[:cut], nil)
		if err == nil { // a cut between records is a shorter valid file
			require.Equal(t, kvs[:len(got)], got)
		} else {
			require.ErrorIs(t, err, errCorrupt)
		}
	}
}

func TestReduceSortedCallsReduceOncePerKeyInOrder(t *testing.T) {
	kvs := []KeyValue{{"b", "1"}, {"a", "x"}, {"b", "2"}, {"c", "3"}, {"a", "y"}}
	sortByKey(kvs)
	var keys []string
	err := reduceSorted(kvs, func(k string, v []string) string { return k + ":" + string(rune('0'+len(v))) },
		func(k, v string) error { keys = append(keys, v); return nil })
	require.NoError(t, err)
	require.Equal(t, []string{"a:2", "b:2", "c:1"}, keys)
}
