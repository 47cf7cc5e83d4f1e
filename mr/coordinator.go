package mr

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"distlab/lablog"
)

// DefaultTaskTimeout is how long a worker may hold a task before the
// coordinator hands it to another worker.
const DefaultTaskTimeout = 10 * time.Second

// pollWait is the longest a RequestTask call is held when no task is ready.
const pollWait = time.Second

// CoordinatorOptions configure MakeCoordinatorWith. The zero value gives the
// classic behaviour of MakeCoordinator.
type CoordinatorOptions struct {
	// Transport carries the worker protocol; nil means ParseAddr(DefaultAddr()),
	// a unix socket in /var/tmp unless DISTLAB_MR_ADDR says otherwise.
	Transport Transport
	// Dir is where workers write intermediate (mr-M) and output (mr-out-R)
	// files. It is sent to the workers as it is, so a relative path is
	// relative to each worker's working directory. "" means that directory.
	Dir string
	// TaskTimeout is how long a worker may hold a task before it is handed
	// out again; 0 means DefaultTaskTimeout.
	TaskTimeout time.Duration
}

// A Coordinator hands out the map and reduce tasks of one job to workers,
// re-assigns a task whose worker has not finished it within the task timeout,
// and knows when every output file is final. Its methods are safe for
// concurrent use.
type Coordinator struct {
	opts   CoordinatorOptions
	log    *lablog.Logger
	server io.Closer

	mu      sync.Mutex
	s       *schedule
	waiting map[string]bool // workers heard from and not yet told the job is over
	changed chan struct{}   // closed and replaced whenever s changes: wakes long polls
	over    chan struct{}   // closed when the job has finished or failed

	closeOnce sync.Once
	closed    chan struct{} // closed by Close: long polls answer TaskExit
}

// MakeCoordinator starts the coordinator of a job with one map task per input
// file and nReduce reduce tasks, serving workers at DefaultAddr(). It is the
// classic entry point; MakeCoordinatorWith takes options and returns errors.
//
// If the job cannot start (an input file is missing, the address is in use),
// MakeCoordinator prints the error to standard error and returns a
// Coordinator whose Done is already true and whose Err says why.
func MakeCoordinator(files []string, nReduce int) *Coordinator {
	c, err := MakeCoordinatorWith(files, nReduce, CoordinatorOptions{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "mr: %v\n", err)
		c = &Coordinator{s: newSchedule(nil, nil, 0, 0), over: make(chan struct{}), closed: make(chan struct{})}
		c.s.err = err
		close(c.over)
	}
	return c
}

// MakeCoordinatorWith checks the job (every input readable, the output
// directory writable, nReduce ≥ 1), starts serving workers over
// opts.Transport, and returns the running Coordinator. The caller must Close
// it once the job is over and workers have had a moment to learn so.
func MakeCoordinatorWith(files []string, nReduce int, opts CoordinatorOptions) (*Coordinator, error) {
	sizes, err := checkJob(files, nReduce, opts.Dir)
	if err != nil {
		return nil, err
	}
	if opts.TaskTimeout <= 0 {
		opts.TaskTimeout = DefaultTaskTimeout
	}
	if opts.Transport == nil {
		t, err := defaultTransport()
		if err != nil {
			return nil, err
		}
		opts.Transport = t
	}
	c := &Coordinator{
		opts:    opts,
		log:     lablog.For(0),
		s:       newSchedule(slices.Clone(files), sizes, nReduce, opts.TaskTimeout),
		waiting: map[string]bool{},
		changed: make(chan struct{}),
		over:    make(chan struct{}),
		closed:  make(chan struct{}),
	}
	srv, err := opts.Transport.Serve(c)
	if err != nil {
		return nil, err
	}
	c.server = srv
	c.log.Printf("MR", "coordinator serving %d maps, %d reduces at %v", len(files), nReduce, opts.Transport)
	return c, nil
}

// checkJob refuses a job that cannot succeed, naming the culprit, and
// returns the inputs' sizes.
func checkJob(files []string, nReduce int, dir string) ([]int64, error) {
	if nReduce < 1 {
		return nil, fmt.Errorf("nReduce is %d; need at least 1 reduce task", nReduce)
	}
	if len(files) == 0 {
		return nil, errors.New("no input files")
	}
	sizes := make([]int64, len(files))
	for i, f := range files {
		size, err := checkReadable(f)
		if err != nil {
			return nil, err
		}
		sizes[i] = size
	}
	return sizes, checkWritableDir(dir)
}

func checkReadable(name string) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, fmt.Errorf("input file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("input file: %w", err)
	}
	if st.IsDir() {
		return 0, fmt.Errorf("input file %s is a directory", name)
	}
	return st.Size(), nil
}

func checkWritableDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "mr-probe-writable-*")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// Done reports whether the job is over: every mr-out-* file is final, or the
// job failed (see Err).
func (c *Coordinator) Done() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s.over()
}

// Err returns why the job failed, or nil if it has not failed.
func (c *Coordinator) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s.err
}

// Wait blocks until the job is over or the coordinator is closed, and
// returns Err (or an error saying it was closed before the job ended).
func (c *Coordinator) Wait() error {
	select {
	case <-c.over:
		return c.Err()
	case <-c.closed:
		if c.Done() {
			return c.Err()
		}
		return errors.New("coordinator closed before the job was over")
	}
}

// Drain waits, once the job is over, until every worker the coordinator has
// heard from has been told so, or until max has passed (a worker that
// crashed is never told), or the coordinator is closed. A program calls it
// between Wait and Close so that its workers exit at once rather than
// finding the coordinator gone.
func (c *Coordinator) Drain(max time.Duration) {
	timer := time.NewTimer(max)
	defer timer.Stop()
	for {
		c.mu.Lock()
		n, changed := len(c.waiting), c.changed
		c.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			return
		case <-c.closed:
			return
		}
	}
}

// Close stops serving: pending and later requests of workers still
// connected get TaskExit, then the transport shuts down and every goroutine
// the coordinator started has ended. Workers that call after that find the
// coordinator unreachable and exit. Close may be called more than once.
//
// NetRPC lets connected workers read their last reply and hang up for up to a
// second before it cuts their connections. labrpc drops replies in flight
// when the server goes, so an in-process program closes the coordinator
// after its workers have returned (they return once told the job is over).
func (c *Coordinator) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closed)
		if c.server != nil {
			err = c.server.Close()
		}
	})
	return err
}

// RequestTask is the RPC handler through which a worker asks for a task (see
// the protocol in rpc.go). It is called by a Transport; it holds the call
// for up to about a second when no task is ready.
func (c *Coordinator) RequestTask(args *TaskArgs, reply *TaskReply) {
	giveUp := time.Now().Add(pollWait)
	for {
		c.mu.Lock()
		ok, retry := c.s.next(time.Now(), reply)
		changed := c.changed
		if ok && reply.Kind == TaskExit {
			if c.waiting[args.Worker] {
				delete(c.waiting, args.Worker)
				c.notifyLocked()
			}
		} else {
			c.waiting[args.Worker] = true
		}
		c.mu.Unlock()
		if ok {
			reply.Dir = c.opts.Dir
			if reply.Kind != TaskExit {
				c.log.Printf("MR", "%v task %d (attempt %d) to %s", reply.Kind, reply.Task, reply.Attempt, args.Worker)
			}
			return
		}
		wake := giveUp
		if !retry.IsZero() && retry.Before(wake) {
			wake = retry
		}
		timer := time.NewTimer(time.Until(wake))
		select {
		case <-changed:
		case <-timer.C:
		case <-c.closed:
			timer.Stop()
			*reply = TaskReply{Kind: TaskExit}
			return
		}
		timer.Stop()
		if !time.Now().Before(giveUp) {
			*reply = TaskReply{Kind: TaskWait}
			return
		}
	}
}

// ReportTask is the RPC handler through which a worker reports a task
// finished or failed. It is called by a Transport.
func (c *Coordinator) ReportTask(args *ReportArgs, reply *ReportReply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	changed, err := c.s.report(args)
	if err != nil {
		c.log.Printf("MR", "bad report from %s: %v", args.Worker, err)
		return
	}
	if !changed {
		return
	}
	if args.Err != "" {
		c.log.Printf("MR", "%v task %d failed on %s: %s", args.Kind, args.Task, args.Worker, args.Err)
	} else {
		c.log.Printf("MR", "%v task %d done by %s", args.Kind, args.Task, args.Worker)
	}
	c.notifyLocked()
	if c.s.over() {
		select {
		case <-c.over:
		default:
			close(c.over)
		}
	}
}

// notifyLocked wakes every goroutine waiting for a change of state.
func (c *Coordinator) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}
