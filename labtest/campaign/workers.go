package campaign

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Sub returns shard j of p of the shard s: the items of s that a j-th of p
// workers runs. The p sub-shards of s cover each of its items once.
func (s Shard) Sub(j, p int) Shard {
	n := max(s.Count, 1)
	return Shard{Index: s.Index + n*j, Count: n * p}
}

// WorkerOptions configure Workers.
type WorkerOptions struct {
	Workers  int   // processes
	Shard    Shard // the campaign's shard, which the workers split
	Planned  int64 // seeds of the shard, for the progress
	Results  *RecordWriter
	Progress Progress
	// Command returns the command line of worker j: the same campaign on
	// its sub-shard, one seed at a time, writing its records to out.
	Command func(sub Shard, out string) []string
	Log     io.Writer // receives the workers' own output (failures' details); nil discards it
}

// Workers runs a campaign in o.Workers processes, each running its
// sub-shard one seed at a time, and follows their result files to report
// progress and collect the records. One bubble per process was measured
// faster than several bubbles in one process (see the README). On ctx's
// end (Ctrl-C, which the workers receive too) it waits for the workers to
// write what they finished.
func Workers(ctx context.Context, o WorkerOptions) (Stats, []Record, error) {
	dir, err := os.MkdirTemp("", "distlab-campaign-")
	if err != nil {
		return Stats{}, nil, err
	}
	defer os.RemoveAll(dir)
	st := Stats{Planned: o.Planned}
	start := time.Now()
	if o.Progress != nil {
		o.Progress.Started(o.Planned)
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	files := make([]*tail, o.Workers)
	cmds := make([]*exec.Cmd, 0, o.Workers)
	done := make(chan error, o.Workers)
	for j := range o.Workers {
		out := filepath.Join(dir, fmt.Sprintf("worker-%d.jsonl", j))
		files[j] = &tail{path: out}
		argv := o.Command(o.Shard.Sub(j, o.Workers), out)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = log, log
		ownGroup(cmd)
		if err := cmd.Start(); err != nil {
			return st, nil, fmt.Errorf("starting worker %d: %w", j, err)
		}
		cmds = append(cmds, cmd)
		go func() { done <- cmd.Wait() }()
	}
	// Each worker has a process group of its own, out of the terminal's
	// reach: when ctx ends (Ctrl-C), they are told to stop, and write what
	// they finished.
	stopped := ctx.Done()
	var all []Record
	var werr error
	collect := func() {
		for _, f := range files {
			for _, r := range f.read() {
				st.Done++
				all = append(all, r)
				if r.Failed() {
					st.Failed++
				}
				if r.Deterministic != nil && !*r.Deterministic {
					st.Divergent++
				}
				if o.Results != nil && werr == nil {
					werr = o.Results.Write(r)
				}
				st.Elapsed = time.Since(start)
				if o.Progress != nil {
					o.Progress.Finished(r, st)
				}
			}
		}
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var failures []string
	for running := o.Workers; running > 0; {
		select {
		case err := <-done:
			running--
			if err != nil {
				if _, exit := err.(*exec.ExitError); !exit || ctx.Err() == nil && exitCode(err) > 1 {
					failures = append(failures, err.Error())
				}
			}
		case <-tick.C:
			collect()
		case <-stopped:
			stopped = nil
			for _, c := range cmds {
				stop(c)
			}
		}
	}
	collect()
	st.Elapsed = time.Since(start)
	st.Interrupted = ctx.Err() != nil && st.Done < st.Planned
	if o.Progress != nil {
		o.Progress.Done(st)
	}
	if len(failures) > 0 && werr == nil {
		werr = fmt.Errorf("%d worker(s) crashed: %s", len(failures), strings.Join(failures, "; "))
	}
	return st, all, werr
}

func exitCode(err error) int {
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	return -1
}

// A tail reads the complete lines a worker has appended to its results file.
type tail struct {
	path    string
	off     int64
	partial string
}

func (t *tail) read() []Record {
	f, err := os.Open(t.path)
	if err != nil {
		return nil // not created yet
	}
	defer f.Close()
	if _, err := f.Seek(t.off, io.SeekStart); err != nil {
		return nil
	}
	b, _ := io.ReadAll(bufio.NewReader(f))
	t.off += int64(len(b))
	text := t.partial + string(b)
	lines := strings.Split(text, "\n")
	t.partial = lines[len(lines)-1]
	var rs []Record
	for _, l := range lines[:len(lines)-1] {
		var r Record
		if json.Unmarshal([]byte(l), &r) == nil && r.Verdict != "" {
			rs = append(rs, r)
		}
	}
	return rs
}
