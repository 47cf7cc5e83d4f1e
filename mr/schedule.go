package mr

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// schedule is the coordinator's bookkeeping: which tasks are idle, running
// (and until when) or done. It is plain state with no locks, goroutines or
// clock of its own; the Coordinator calls it under its mutex with the time.
//
// A task moves idle → running (handed out, with a deadline) → done. A running
// task whose deadline has passed is handed out again, to whichever worker
// asks next; the slow worker is not told, and whichever copy reports first
// completes the task. That is safe because a task's files are written to
// temporary names and renamed into place, so every copy produces the same
// complete file and a late copy only replaces it with an identical one.
type schedule struct {
	files   []string // input files; map task m reads files[m]
	nReduce int
	timeout time.Duration // how long a worker may hold a task

	maps, reduces []task
	mapOrder      []int // map tasks by decreasing input size: the order they are handed out
	mapsLeft      int   // map tasks not done. Invariant: reduces are handed out only when 0
	reducesLeft   int   // reduce tasks not done. Invariant: the job is done when 0
	err           error
}

type task struct {
	done     bool
	handed   int       // how many times it was handed out
	deadline time.Time // zero while idle; else when its current holder is presumed dead
	failures int       // reports of failure (I/O errors)
}

// maxFailures is how many failure reports of one task fail the whole job:
// one may be a bad disk on one machine, three in a row are the input.
const maxFailures = 3

// newSchedule makes the schedule of a job. sizes (nil, or one per file) are
// the inputs' sizes: the largest maps are handed out first, so that the map
// phase does not end waiting for one big task started last.
func newSchedule(files []string, sizes []int64, nReduce int, timeout time.Duration) *schedule {
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	if len(sizes) == len(files) {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[b], sizes[a]) })
	}
	return &schedule{
		files: files, nReduce: nReduce, timeout: timeout,
		maps: make([]task, len(files)), reduces: make([]task, nReduce), mapOrder: order,
		mapsLeft: len(files), reducesLeft: nReduce,
	}
}

// over reports whether the job has finished or failed.
func (s *schedule) over() bool { return s.reducesLeft == 0 || s.err != nil }

// next hands out a task at time now, filling reply, and reports whether it
// did. If not, and the job is not over, retry is when a running task's
// deadline expires (zero if none will).
func (s *schedule) next(now time.Time, reply *TaskReply) (ok bool, retry time.Time) {
	if s.over() {
		reply.Kind = TaskExit
		return true, time.Time{}
	}
	kind, tasks, order := TaskMap, s.maps, s.mapOrder
	if s.mapsLeft == 0 {
		kind, tasks, order = TaskReduce, s.reduces, nil
	}
	// Idle tasks first, then expired ones, so a slow worker's task is copied
	// only when nothing fresh is left.
	pick := -1
	for j := range tasks {
		i := j
		if order != nil {
			i = order[j]
		}
		t := &tasks[i]
		if t.done {
			continue
		}
		if t.deadline.IsZero() {
			pick = i
			break
		}
		if !now.Before(t.deadline) {
			if pick < 0 {
				pick = i
			}
		} else if retry.IsZero() || t.deadline.Before(retry) {
			retry = t.deadline
		}
	}
	if pick < 0 {
		return false, retry
	}
	t := &tasks[pick]
	*reply = TaskReply{Kind: kind, Task: pick, Attempt: t.handed, NMap: len(s.files), NReduce: s.nReduce}
	if kind == TaskMap {
		reply.File = s.files[pick]
	}
	t.handed++
	t.deadline = now.Add(s.timeout)
	return true, time.Time{}
}

// report records a worker's report and says whether it changed anything.
func (s *schedule) report(a *ReportArgs) (changed bool, err error) {
	var tasks []task
	switch a.Kind {
	case TaskMap:
		tasks = s.maps
	case TaskReduce:
		tasks = s.reduces
	default:
		return false, fmt.Errorf("report of a %v task", a.Kind)
	}
	if a.Task < 0 || a.Task >= len(tasks) {
		return false, fmt.Errorf("report of %v task %d, which does not exist", a.Kind, a.Task)
	}
	t := &tasks[a.Task]
	if t.done || s.err != nil {
		return false, nil // a late copy, or the job failed already
	}
	if a.Err != "" {
		t.failures++
		t.deadline = time.Time{} // idle again: let another worker try
		if t.failures >= maxFailures {
			s.err = fmt.Errorf("%v task %d failed %d times, last on worker %s: %s", a.Kind, a.Task, t.failures, a.Worker, a.Err)
		}
		return true, nil
	}
	t.done = true
	if a.Kind == TaskMap {
		s.mapsLeft--
	} else {
		s.reducesLeft--
	}
	return true, nil
}
