package mr

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"distlab/lablog"
)

// DefaultGiveUpAfter is how long a worker keeps trying to reach a coordinator
// that does not answer.
const DefaultGiveUpAfter = 5 * time.Second

// WorkerOptions configure RunWorker. The zero value gives the classic
// behaviour of Worker.
type WorkerOptions struct {
	// Transport reaches the coordinator; nil means ParseAddr(DefaultAddr()).
	Transport Transport
	// Name identifies the worker in the coordinator's log; "" means
	// host-pid-n.
	Name string
	// GiveUpAfter is how long the coordinator may be unreachable before the
	// worker stops; 0 means DefaultGiveUpAfter. A worker that never reached
	// it returns an error; one that did concludes the job is over (the
	// coordinator exits once it is) and returns nil.
	GiveUpAfter time.Duration
}

var workerSeq atomic.Int64

// Worker runs one worker of the job served at DefaultAddr(): it asks the
// coordinator for tasks and runs them with mapf and reducef until the job is
// over. It is the classic entry point; errors (no coordinator answering) are
// printed to standard error. RunWorker takes options and returns them.
func Worker(mapf func(string, string) []KeyValue, reducef func(string, []string) string) {
	if err := RunWorker(WorkerOptions{}, mapf, reducef); err != nil {
		fmt.Fprintf(os.Stderr, "mr worker: %v\n", err)
	}
}

// RunWorker runs one worker until the coordinator says the job is over (nil),
// or the coordinator cannot be reached (see WorkerOptions.GiveUpAfter). A
// task whose files cannot be read or written is reported to the coordinator,
// which fails the job if that keeps happening; the worker carries on.
//
// Concurrency: any number of workers may run at once, in one process or many;
// each RunWorker call uses only its own goroutine.
func RunWorker(opts WorkerOptions, mapf func(string, string) []KeyValue, reducef func(string, []string) string) error {
	if opts.Transport == nil {
		t, err := defaultTransport()
		if err != nil {
			return err
		}
		opts.Transport = t
	}
	if opts.GiveUpAfter <= 0 {
		opts.GiveUpAfter = DefaultGiveUpAfter
	}
	n := workerSeq.Add(1)
	if opts.Name == "" {
		host, _ := os.Hostname()
		opts.Name = fmt.Sprintf("%s-%d-%d", host, os.Getpid(), n)
	}
	w := &worker{opts: opts, mapf: mapf, reducef: reducef, log: lablog.For(int(n))}
	defer w.hangUp()
	return w.run()
}

type worker struct {
	opts    WorkerOptions
	mapf    func(string, string) []KeyValue
	reducef func(string, []string) string
	log     *lablog.Logger

	conn    Conn
	reached bool // the coordinator answered at least once
}

var errCoordinatorGone = errors.New("coordinator gone")

func (w *worker) run() error {
	for {
		var t TaskReply
		if err := w.call(methodRequestTask, &TaskArgs{Worker: w.opts.Name}, &t); err != nil {
			if errors.Is(err, errCoordinatorGone) {
				w.log.Printf("MR", "%s: coordinator unreachable; assuming the job is over", w.opts.Name)
				return nil
			}
			return err
		}
		var err error
		switch t.Kind {
		case TaskExit:
			return nil
		case TaskWait:
			continue
		case TaskMap:
			err = w.doMap(&t)
		case TaskReduce:
			err = w.doReduce(&t)
		default:
			return fmt.Errorf("coordinator sent task kind %d, which this worker does not know", t.Kind)
		}
		rep := ReportArgs{Worker: w.opts.Name, Kind: t.Kind, Task: t.Task}
		if err != nil {
			w.log.Printf("MR", "%v task %d failed: %v", t.Kind, t.Task, err)
			rep.Err = err.Error()
		}
		if err := w.call(methodReportTask, &rep, &ReportReply{}); err != nil {
			if errors.Is(err, errCoordinatorGone) {
				return nil
			}
			return err
		}
	}
}

// call sends one RPC, redialling and retrying with backoff while the
// coordinator is unreachable, for up to GiveUpAfter.
func (w *worker) call(method string, args, reply any) error {
	start := time.Now()
	backoff := 5 * time.Millisecond
	for {
		var err error
		if w.conn == nil {
			if w.conn, err = w.opts.Transport.Dial(); err != nil && w.reached {
				// It answered before and now refuses connections: it has
				// exited, which it does only once the job is over.
				return errCoordinatorGone
			}
		}
		if err == nil {
			if err = w.conn.Call(method, args, reply); err == nil {
				w.reached = true
				return nil
			}
			w.hangUp()
		}
		if time.Since(start) >= w.opts.GiveUpAfter {
			if w.reached {
				return errCoordinatorGone
			}
			return fmt.Errorf("no coordinator answered at %v within %v (is mrcoordinator running there?): %w",
				w.opts.Transport, w.opts.GiveUpAfter, err)
		}
		time.Sleep(backoff)
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

func (w *worker) hangUp() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// doMap runs map task t: it reads the input, calls mapf, and writes the
// pairs, partitioned by reduce task, to one intermediate file renamed into
// place when complete.
func (w *worker) doMap(t *TaskReply) error {
	data, err := os.ReadFile(t.File)
	if err != nil {
		return fmt.Errorf("map task %d: read input: %w", t.Task, err)
	}
	kvs := w.mapf(t.File, string(data))
	sections := make([][]byte, t.NReduce)
	for _, kv := range kvs {
		r := ihash(kv.Key) % t.NReduce
		sections[r] = appendKV(sections[r], kv)
	}
	f, err := createAtomic(t.Dir, intermediateName(t.Task))
	if err != nil {
		return fmt.Errorf("map task %d: %w", t.Task, err)
	}
	if err := writeSections(f.w, sections); err != nil {
		f.abort()
		return fmt.Errorf("map task %d: write %s: %w", t.Task, intermediateName(t.Task), err)
	}
	if err := f.commit(); err != nil {
		return fmt.Errorf("map task %d: %w", t.Task, err)
	}
	return nil
}

// doReduce runs reduce task t: it reads section t.Task of every map's
// output, sorts by key, and writes mr-out-R through a temporary file.
func (w *worker) doReduce(t *TaskReply) error {
	sections := make([][]byte, t.NMap)
	size := 0
	for m := range sections {
		name := filepath.Join(t.Dir, intermediateName(m))
		data, err := readSection(name, t.Task, t.NReduce)
		if err != nil {
			return fmt.Errorf("reduce task %d: read intermediate: %w", t.Task, err)
		}
		sections[m] = data
		size += len(data)
	}
	// A record takes at least 2 bytes; typical ones (a word and a count) ~8.
	kvs := make([]KeyValue, 0, size/6)
	for m, data := range sections {
		var err error
		if kvs, err = decodeKVs(string(data), kvs); err != nil {
			return fmt.Errorf("reduce task %d: %s: %w", t.Task, intermediateName(m), err)
		}
	}
	f, err := createAtomic(t.Dir, OutputName(t.Task))
	if err != nil {
		return fmt.Errorf("reduce task %d: %w", t.Task, err)
	}
	committed := false
	defer func() {
		if !committed { // an error, or reducef stopped this goroutine
			f.abort()
		}
	}()
	if err := reduceAll(kvs, w.reducef, f.writeLine); err != nil {
		return fmt.Errorf("reduce task %d: write %s: %w", t.Task, OutputName(t.Task), err)
	}
	committed = true
	if err := f.commit(); err != nil {
		return fmt.Errorf("reduce task %d: %w", t.Task, err)
	}
	return nil
}
