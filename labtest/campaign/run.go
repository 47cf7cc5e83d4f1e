package campaign

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"
)

// A SeedRunner runs one seed and returns its record. Campaign calls it from
// Options.Parallel goroutines at once; it must stop soon after ctx is done
// (a record from a cut-short run is dropped).
type SeedRunner func(ctx context.Context, seed int64) Record

// Options configure a campaign.
type Options struct {
	Seeds    Seeds
	Shard    Shard
	Parallel int           // seeds at a time; default runtime.NumCPU()
	Results  *RecordWriter // receives every record as it is made; nil for none
	// CheckDeterminism runs every seed twice and compares the runs' traces
	// (Record.Trace) and verdicts; each record says whether they agreed.
	CheckDeterminism bool
	Progress         Progress // nil reports nothing
}

// Stats summarise a campaign.
type Stats struct {
	Planned     int64         // seeds of the shard
	Done        int64         // seeds run to the end
	Failed      int64         // of which not OK
	Divergent   int64         // with CheckDeterminism: seeds whose two runs differed
	Elapsed     time.Duration // wall time
	Interrupted bool          // stopped by ctx before every seed was run
}

// SeedsPerSecond is the campaign's throughput.
func (s Stats) SeedsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Done) / s.Elapsed.Seconds()
}

// A Progress is told how a campaign goes, from one goroutine at a time.
type Progress interface {
	Started(planned int64)
	Finished(r Record, s Stats) // s counts r
	Done(s Stats)
}

// Campaign runs every seed of o.Shard of o.Seeds with run, o.Parallel at a
// time, and returns every seed's record, in the order they ended (each also
// goes to o.Results as it ends). When ctx is cancelled (Ctrl-C) it starts no more seeds,
// lets the running ones stop, and returns what was done, Interrupted set.
func Campaign(ctx context.Context, o Options, run SeedRunner) (Stats, []Record, error) {
	if o.Parallel <= 0 {
		o.Parallel = runtime.NumCPU()
	}
	st := Stats{Planned: o.Seeds.Count(o.Shard)}
	start := time.Now()
	if o.Progress != nil {
		o.Progress.Started(st.Planned)
	}
	seeds := make(chan int64)
	records := make(chan Record)
	var wg sync.WaitGroup
	for range o.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range seeds {
				var r Record
				if o.CheckDeterminism {
					r = twice(ctx, run, seed)
				} else {
					r = run(ctx, seed)
					r.Trace = nil
				}
				if ctx.Err() != nil {
					continue // cut short: no verdict
				}
				records <- r
			}
		}()
	}
	go func() {
		defer close(seeds)
		o.Seeds.Each(o.Shard, func(_, seed int64) bool {
			select {
			case seeds <- seed:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	go func() { wg.Wait(); close(records) }()
	var all []Record
	var werr error
	for r := range records {
		st.Done++
		all = append(all, r)
		if r.Failed() {
			st.Failed++
		}
		if r.Deterministic != nil && !*r.Deterministic {
			st.Divergent++
		}
		if o.Results != nil && werr == nil {
			if err := o.Results.Write(r); err != nil {
				werr = fmt.Errorf("writing the results: %w", err)
			}
		}
		st.Elapsed = time.Since(start)
		if o.Progress != nil {
			o.Progress.Finished(r, st)
		}
	}
	st.Elapsed = time.Since(start)
	st.Interrupted = ctx.Err() != nil && st.Done < st.Planned
	if o.Progress != nil {
		o.Progress.Done(st)
	}
	return st, all, werr
}

// NewProgress returns the campaign progress for w: a status line redrawn in
// place on a terminal (done/total, seeds per second, ETA, failures), plain
// lines every tenth of the way (or every 30 s) otherwise. Each failure is
// printed as it happens, with its replay command.
func NewProgress(w io.Writer, lab string, terminal bool) Progress {
	return &progress{w: w, lab: lab, tty: terminal}
}

type progress struct {
	w        io.Writer
	lab      string
	tty      bool
	start    time.Time
	planned  int64
	lastDraw time.Time
	nextStep int64 // plain mode: print when Done reaches it
	printed  int64 // plain mode: Done when the last line was printed
}

func (p *progress) Started(planned int64) {
	p.planned, p.start = planned, time.Now()
	p.nextStep = max(1, planned/10)
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %d seeds\n", p.lab, planned)
	}
}

func (p *progress) Finished(r Record, s Stats) {
	if r.Failed() {
		if p.tty {
			fmt.Fprint(p.w, "\r\x1b[2K")
		}
		what := r.Violation
		if what == "" {
			what = r.Verdict
		}
		fmt.Fprintf(p.w, "FAIL seed %d: %s", r.Seed, what)
		if r.Detail != "" {
			fmt.Fprintf(p.w, ": %s", truncate(r.Detail, 100))
		}
		if r.Replay != "" {
			fmt.Fprintf(p.w, "\n    replay: %s", r.Replay)
		}
		fmt.Fprintln(p.w)
		p.lastDraw = time.Time{}
	}
	if r.Deterministic != nil && !*r.Deterministic {
		if p.tty {
			fmt.Fprint(p.w, "\r\x1b[2K")
		}
		fmt.Fprintf(p.w, "NONDETERMINISTIC seed %d: %s\n", r.Seed, truncate(r.Divergence, 200))
		p.lastDraw = time.Time{}
	}
	switch {
	case p.tty && time.Since(p.lastDraw) >= 200*time.Millisecond:
		fmt.Fprintf(p.w, "\r\x1b[2K%s", p.status(s))
		p.lastDraw = time.Now()
	case !p.tty && (s.Done >= p.nextStep || time.Since(p.lastDraw) >= 30*time.Second):
		fmt.Fprintln(p.w, p.status(s))
		p.printed = s.Done
		p.lastDraw = time.Now()
		for p.nextStep <= s.Done {
			p.nextStep += max(1, p.planned/10)
		}
	}
}

func (p *progress) Done(s Stats) {
	if p.tty {
		fmt.Fprint(p.w, "\r\x1b[2K")
	} else if s.Done == p.planned && p.printed == s.Done {
		return // the last plain line said it all
	}
	status := p.status(s)
	if s.Interrupted {
		status += " (interrupted)"
	}
	fmt.Fprintln(p.w, status)
}

func (p *progress) status(s Stats) string {
	line := fmt.Sprintf("%s: %d/%d seeds, %.1f seeds/s, %d failed", p.lab, s.Done, p.planned, s.SeedsPerSecond(), s.Failed)
	if s.Divergent > 0 {
		line += fmt.Sprintf(", %d not deterministic", s.Divergent)
	}
	if rate := s.SeedsPerSecond(); rate > 0 && s.Done < p.planned {
		eta := time.Duration(float64(p.planned-s.Done) / rate * float64(time.Second))
		line += fmt.Sprintf(", about %v left", eta.Round(time.Second))
	}
	return line
}
