package runner

import (
	"context"

	"distlab/labtest/campaign"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"distlab/internal/env"
)

// Options configure Run. The zero value of each field is a sensible default
// except Packages, which defaults to the package in Dir.
type Options struct {
	Dir      string   // where go commands run (and relative paths resolve); "" is the current folder
	Packages []string // package patterns, as for go test; default "."
	Run      string   // regexp matched against whole test names, "/" then subtests as go test; "" selects every test
	Runs     int      // runs of each test; default 1
	Parallel int      // runs at a time; default runtime.NumCPU()
	Race     bool     // build with the race detector
	// BuildFlags are more go build flags for the test binaries, e.g.
	// -overlay (distlab mutants builds a changed copy of a file that way).
	BuildFlags []string
	Timeout    time.Duration // per run; 0 for no limit
	Seed       int64         // with SeedSet, run i of a test gets DISTLAB_SEED=Seed+i-1
	SeedSet    bool          // whether Seed is given
	OutDir     string        // where failing runs' output goes; default "distlab-out"
	TestArgs   []string      // passed to every run of the test binaries
	ListOnly   bool          // list the selected tests and stop
	Env        []string      // added to every run's environment
	EventsOut  io.Writer     // if set, receives every run's go test -json events, one a line
	// RunsFor, if set, returns the number of runs a test needs at least
	// (a rubric asks for some); the larger of it and Runs is used.
	RunsFor func(pkg, test string) int
	// Shard, if it slices the work, keeps only its share of the runs: run k
	// (from 0) of the whole round-robin schedule — the first run of every
	// test, then the second, ... — belongs to shard k mod Count. The n
	// shards of one command line cover every run exactly once, and
	// distlab merge combines their -json files.
	Shard campaign.Shard
	// Progress receives what happens; nil prints nothing while running.
	Progress Progress
}

// A Progress is told what the runner does, from one goroutine at a time.
type Progress interface {
	Building(pkg string)            // pkg's test binary is being built
	Planned(tests []*Summary)       // the runs are about to start
	Finished(r *Result, s *Summary) // a run ended; s already counts it
	Done()                          // the runs have ended or were stopped
}

// A Report is the outcome of Run: a summary per test, in the order the
// packages and their tests were listed.
type Report struct {
	Packages    []*Package    // the packages built, in go list's order
	Tests       []*Summary    // one per selected test, in the order they were planned
	Interrupted bool          // stopped by the context before every run was done
	Elapsed     time.Duration // wall time of the whole campaign, building included
}

// Failed reports whether any run failed.
func (r *Report) Failed() bool {
	for _, s := range r.Tests {
		if s.Failures > 0 {
			return true
		}
	}
	return false
}

// ErrNoTests is returned when the -run pattern selects no test.
var ErrNoTests = errors.New("no test matches")

type job struct {
	pkg       *Package
	sum       *Summary
	iteration int
}

// Run builds the packages' test binaries and runs the selected tests. It
// returns a Report even when ctx is cancelled part-way (with Interrupted
// set); an error means nothing could be run (bad package, build failure).
func Run(ctx context.Context, o Options) (*Report, error) {
	o = o.withDefaults()
	top, sub, err := splitRun(o.Run)
	if err != nil {
		return nil, err
	}
	re, err := anchored(top)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	pkgs, err := goList(ctx, o.Dir, o.Packages)
	if err != nil {
		return nil, err
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no test files in %v", o.Packages)
	}
	tmp, err := os.MkdirTemp("", "distlab-test-")
	if err != nil {
		return nil, fmt.Errorf("making a folder for test binaries: %w", err)
	}
	defer os.RemoveAll(tmp)
	t2j, err := findTest2json(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	rep := &Report{Packages: pkgs}
	for _, p := range pkgs {
		if o.Progress != nil {
			o.Progress.Building(p.ImportPath)
		}
		if err := build(ctx, o.Dir, tmp, p, o.Race, o.BuildFlags); err != nil {
			return nil, err
		}
		if err := listTests(ctx, p, re); err != nil {
			return nil, err
		}
		for _, t := range p.Tests {
			n := o.Runs
			if o.RunsFor != nil {
				n = max(n, o.RunsFor(p.ImportPath, t))
			}
			rep.Tests = append(rep.Tests, &Summary{Package: p.ImportPath, Test: t, Planned: n})
		}
	}
	if len(rep.Tests) == 0 {
		return rep, fmt.Errorf("%w %q in %v", ErrNoTests, o.Run, o.Packages)
	}
	if o.ListOnly {
		return rep, nil
	}
	jobs := schedule(pkgs, rep.Tests)
	if o.Shard.Sharded() {
		jobs, rep.Tests = shard(jobs, rep.Tests, o.Shard)
	}
	if o.Progress != nil {
		o.Progress.Planned(rep.Tests)
	}
	err = execute(ctx, o, t2j, sub, jobs)
	rep.Interrupted = ctx.Err() != nil
	rep.Elapsed = time.Since(start)
	if o.Progress != nil {
		o.Progress.Done()
	}
	return rep, err
}

func (o Options) withDefaults() Options {
	if o.Dir == "" {
		o.Dir = "."
	}
	if len(o.Packages) == 0 {
		o.Packages = []string{"."}
	}
	if o.Runs <= 0 {
		o.Runs = 1
	}
	if o.Parallel <= 0 {
		o.Parallel = runtime.NumCPU()
	}
	if o.OutDir == "" {
		o.OutDir = "distlab-out"
	}
	return o
}

// schedule orders the runs round-robin: the first run of every test, then
// the second, ... so that an early stop still has news of every test.
func schedule(pkgs []*Package, tests []*Summary) []job {
	byPath := map[string]*Package{}
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
	}
	var jobs []job
	for i := 1; ; i++ {
		added := false
		for _, s := range tests {
			if i <= s.Planned {
				jobs = append(jobs, job{pkg: byPath[s.Package], sum: s, iteration: i})
				added = true
			}
		}
		if !added {
			return jobs
		}
	}
}

// shard keeps the jobs of sh, with their iteration numbers (so that run i
// of a test has the same DISTLAB_ITERATION and seed in whichever shard it
// lands), and the tests that have some.
func shard(jobs []job, tests []*Summary, sh campaign.Shard) ([]job, []*Summary) {
	var kept []job
	for k, j := range jobs {
		if sh.Has(k) {
			kept = append(kept, j)
		}
	}
	planned := map[*Summary]int{}
	for _, j := range kept {
		planned[j.sum]++
	}
	var ts []*Summary
	for _, s := range tests {
		if n := planned[s]; n > 0 {
			s.Planned = n
			ts = append(ts, s)
		}
	}
	return kept, ts
}

// execute runs the jobs o.Parallel at a time until they are done or ctx is
// cancelled, and records each result in its test's Summary.
func execute(parent context.Context, o Options, t2j, sub string, jobs []job) error {
	// A run that cannot even start stops the others: they would fail alike.
	ctx, stop := context.WithCancel(parent)
	defer stop()
	var eventsMu sync.Mutex
	var emit func([]byte)
	if o.EventsOut != nil {
		emit = func(line []byte) {
			eventsMu.Lock()
			o.EventsOut.Write(append(line, '\n'))
			eventsMu.Unlock()
		}
	}
	type done struct {
		j   job
		r   *Result
		err error
	}
	todo := make(chan job)
	results := make(chan done)
	var wg sync.WaitGroup
	for range min(o.Parallel, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range todo {
				if ctx.Err() != nil {
					continue // stopping: start nothing more
				}
				spec := runSpec{test2json: t2j, pkg: j.pkg, test: j.sum.Test, sub: sub, iteration: j.iteration,
					timeout: o.Timeout, env: o.Env, args: o.TestArgs}
				if o.SeedSet {
					spec.env = append(append([]string(nil), spec.env...),
						fmt.Sprintf("%s=%d", env.Seed, o.Seed+int64(j.iteration)-1))
				}
				r, err := runOnce(ctx, spec, emit)
				results <- done{j, r, err}
			}
		}()
	}
	go func() {
		defer close(todo)
		for _, j := range jobs {
			select {
			case todo <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	var firstErr error
	for d := range results {
		if d.err != nil {
			if parent.Err() == nil && firstErr == nil {
				firstErr = d.err
				stop()
			}
			continue
		}
		if d.r.Status == Fail {
			if err := saveFailure(o, d.r); err != nil && firstErr == nil {
				firstErr = err
			}
		}
		d.j.sum.add(d.r)
		if o.Progress != nil {
			o.Progress.Finished(d.r, d.j.sum)
		}
	}
	return firstErr
}
