package mr

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
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
	s := newSchedule([]string{"a", "b"}, nil, 3, 10*time.Second)
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

func TestLargestMapsAreHandedOutFirst(t *testing.T) {
	s := newSchedule([]string{"s", "l", "m", "l2"}, []int64{1, 30, 20, 30}, 1, time.Second)
	var got []string
	for range 4 {
		got = append(got, handOut(t, s, t0).File)
	}
	require.Equal(t, []string{"l", "l2", "m", "s"}, got)
}

func TestTimedOutTaskIsHandedOutAgainAndFirstReportWins(t *testing.T) {
	s := newSchedule([]string{"a"}, nil, 1, 10*time.Second)
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
	s := newSchedule([]string{"a"}, nil, 1, 10*time.Second)
	for range maxFailures {
		require.False(t, s.over())
		handOut(t, s, t0) // a failed task is idle again at once
		s.report(&ReportArgs{Kind: TaskMap, Task: 0, Worker: "w", Err: "disk on fire"})
	}
	require.True(t, s.over())
	require.ErrorContains(t, s.err, "map task 0 failed 3 times, last on worker w: disk on fire")
}

func TestReportOfUnknownTaskIsRejected(t *testing.T) {
	s := newSchedule([]string{"a"}, nil, 1, time.Second)
	_, err := s.report(&ReportArgs{Kind: TaskReduce, Task: 5})
	require.ErrorContains(t, err, "does not exist")
	_, err = s.report(&ReportArgs{Kind: TaskWait})
	require.Error(t, err)
}

func TestIntermediateRecordsRoundTripAnyBytes(t *testing.T) {
	kvs := []KeyValue{{"", ""}, {"a b\nc", "1"}, {"\x00\xff", string(make([]byte, 300))}, {"é", "ß"}}
	var b []byte
	for _, kv := range kvs {
		b = appendKV(b, kv)
	}
	got, err := decodeKVs(string(b), nil)
	require.NoError(t, err)
	require.Equal(t, kvs, got)

	for cut := 1; cut < len(b); cut++ {
		got, err := decodeKVs(string(b[:cut]), nil)
		if err == nil { // a cut between records is a shorter valid file
			require.Equal(t, kvs[:len(got)], got)
		} else {
			require.ErrorIs(t, err, errCorrupt)
		}
	}
}

func TestIntermediateFileSectionsReadBack(t *testing.T) {
	secs := [][]byte{[]byte("zero"), nil, []byte("two!!"), []byte("3")}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	require.NoError(t, writeSections(w, secs))
	require.NoError(t, w.Flush())
	name := filepath.Join(t.TempDir(), "mr-0")
	require.NoError(t, os.WriteFile(name, buf.Bytes(), 0o644))
	for r, want := range secs {
		got, err := readSection(name, r, len(secs))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
	_, err := readSection(name, 0, 3)
	require.ErrorIs(t, err, errCorrupt, "wrong number of sections")
	require.NoError(t, os.WriteFile(name, buf.Bytes()[:10], 0o644))
	_, err = readSection(name, 0, len(secs))
	require.ErrorIs(t, err, errCorrupt, "truncated file")
}

func TestReduceAllCallsReduceOncePerKeyInKeyOrder(t *testing.T) {
	kvs := []KeyValue{{"b", "1"}, {"a", "x"}, {"b", "2"}, {"c", "3"}, {"a", "y"}, {"", "e"}}
	var got []string
	err := reduceAll(kvs, func(k string, v []string) string {
		v = append(v, "appended") // must not clobber the next key's values
		return strings.Join(v, ",")
	}, func(k, v string) error { got = append(got, k+"="+v); return nil })
	require.NoError(t, err)
	require.Equal(t, []string{"=e,appended", "a=x,y,appended", "b=1,2,appended", "c=3,appended"}, got)
}
