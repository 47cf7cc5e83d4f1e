package chaos

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"distlab/internal/env"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/labtest/campaign"
	"distlab/porcupine"
)

// campaignFlags are the flags of a campaign: many seeds in one command.
type campaignFlags struct {
	seeds       string
	parallel    int
	out         string
	shard       string
	determinism bool
}

func addCampaignFlags(fs *flag.FlagSet) *campaignFlags {
	c := &campaignFlags{}
	fs.StringVar(&c.seeds, "seeds", "", "run a campaign over the seeds `A-B` (or a list: 1-100,200), one run each, instead of one run")
	fs.IntVar(&c.parallel, "p", runtime.NumCPU(), "with -seeds, run `N` seeds at a time, in as many worker processes (1: in this process)")
	fs.StringVar(&c.out, "o", "", "with -seeds, write one JSON line per seed to `FILE` (distlab merge reads them)")
	fs.StringVar(&c.shard, "shard", "", "with -seeds, "+campaign.ShardFlagHelp)
	fs.BoolVar(&c.determinism, "check-determinism", false, "with -seeds, run each seed twice and compare the runs (schedule, each link's message fates, history)")
	return c
}

// runCampaign runs the seeds of a campaign in one child process (through
// labtest.MainMany), each seed a subtest in a bubble of its own,
// cf.parallel at a time, and prints the summary and the failures' replay
// commands. single is the command line of one run of the campaign without
// its seed: a failure's replay command is it with -seed.
func runCampaign(lab *Lab, cfg Config, start Start, cf *campaignFlags, single []string, stdout, stderr io.Writer, tty bool) int {
	name := "distlab chaos " + lab.Name
	seeds, err := campaign.ParseSeeds(cf.seeds)
	if err != nil {
		fmt.Fprintf(stderr, "%s: -seeds: %v\n", name, err)
		return 2
	}
	sh, err := campaign.ResolveShard(cf.shard)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	if cf.parallel < 1 {
		fmt.Fprintf(stderr, "%s: -p %d: want at least 1 seed at a time\n", name, cf.parallel)
		return 2
	}
	if tty {
		os.Setenv(env.CampaignTTY, "1")
	}
	// Ctrl-C (or SIGTERM) stops the campaign, which prints what it
	// finished: the child process or the workers see it and stop; this
	// process waits for them.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if cf.parallel > 1 {
		return runWorkers(lab, seeds, sh, cf, stdout, stderr, tty)
	}
	return labtest.MainMany("chaos-campaign-"+lab.Name, stdout, stderr, func(t *testing.T) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if os.Getenv("GOGC") == "" {
			// Many short runs in one process: collecting less often cut
			// the CPU of a kvraft campaign by 10-20% (28 MB peak).
			debug.SetGCPercent(400)
		}
		var results *campaign.RecordWriter
		if cf.out != "" {
			f, err := os.Create(cf.out)
			if err != nil {
				t.Fatalf("%s: -o: %v", name, err)
			}
			defer f.Close()
			results = campaign.NewRecordWriter(f)
		}
		o := campaign.Options{Seeds: seeds, Shard: sh, Parallel: cf.parallel, Results: results,
			CheckDeterminism: cf.determinism,
			Progress:         campaign.NewProgress(os.Stdout, lab.Name, os.Getenv(env.CampaignTTY) == "1")}
		cfg.Out = io.Discard
		cfg.Artifacts = false
		st, all, err := campaign.Campaign(ctx, o, func(ctx context.Context, seed int64) campaign.Record {
			r := runSeed(t, lab, cfg, start, seed, cf.determinism)
			if r.Failed() {
				r.Replay = replayCommand(lab, single, seed)
				if err := retarget(r.Artifacts, lab, single, seed); err != nil {
					t.Errorf("%s: seed %d: %v", name, seed, err)
				}
			}
			return r
		})
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		fmt.Println()
		campaign.WriteSummary(os.Stdout, all)
		if st.Failed > 0 {
			t.Fail()
		}
	})
}

// runSeed runs one seed as a subtest of t and returns its record.
func runSeed(t *testing.T, lab *Lab, cfg Config, start Start, seed int64, trace bool) campaign.Record {
	rec := campaign.Record{Lab: lab.Name, Seed: seed, Verdict: campaign.VerdictError, Detail: "the run ended without a summary"}
	began := time.Now()
	t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) {
		labtest.RunSeed(t, seed, func(t *testing.T) {
			w := labtest.WorldOf(t)
			var tr *tracer
			if trace {
				tr = &tracer{links: map[string][]traced{}, start: time.Now()}
				w.Network().SetObserver(tr.observe)
			}
			s := run(t, lab, cfg, start)
			rec = campaignRecord(s, t.Failed())
			if tr != nil {
				rec.Trace = tr.trace(w)
			}
		})
	})
	rec.Wall = time.Since(began).Seconds()
	return rec
}

// campaignRecord makes a campaign record of a run's summary.
func campaignRecord(s Summary, failed bool) campaign.Record {
	r := campaign.Record{Lab: s.Lab, Seed: s.Seed, Verdict: campaign.VerdictOK, Virtual: s.Virtual.Seconds(),
		Ops: s.Ops, Faults: s.FaultCount(), Artifacts: s.Dir}
	switch {
	case len(s.Violations) > 0:
		r.Verdict, r.Violation, r.Detail = campaign.VerdictViolation, "invariant", s.Violations[0]
	case !s.Live:
		r.Verdict, r.Violation = campaign.VerdictViolation, "liveness"
	case s.Checked && s.Verdict == porcupine.Illegal:
		r.Verdict, r.Violation = campaign.VerdictViolation, "linearizability"
	case failed:
		r.Verdict, r.Detail = campaign.VerdictError, "the run failed (see its log)"
	}
	return r
}

// A tracer records a run's fingerprint for a determinism check: each
// link's messages with their fates and delays, in the link's order.
type tracer struct {
	mu    sync.Mutex
	start time.Time
	links map[string][]traced
}

// traced is one line of a fingerprint and its time in the run.
type traced struct {
	at   time.Duration
	line string
}

func (tr *tracer) observe(m *labrpc.Message) {
	link := fmt.Sprintf("%v->%v", m.End, m.Server)
	at := m.Time.Sub(tr.start)
	line := fmt.Sprintf("%s %v %s %dB %v +%v at %v", link, m.Kind, m.Method, m.Bytes, m.Fate, m.Delay, at)
	tr.mu.Lock()
	tr.links[link] = append(tr.links[link], traced{at, line})
	tr.mu.Unlock()
}

// trace is the fingerprint: the schedule's events and each link's messages
// merged in time order, then the history's operations. At one instant the
// schedule's events come first, in their order, then the links' messages
// in link name order, each link's in its own order: the merge is a fixed
// function of the schedule and the links' sequences (and each line names
// its link), so two runs have equal fingerprints exactly when they have
// equal schedules and sequences, and the first difference is the earliest
// in time, not a consequence of it.
func (tr *tracer) trace(w *labtest.World) []string {
	var all []traced
	for _, e := range w.Schedule().Events {
		all = append(all, traced{e.At, fmt.Sprintf("schedule %v at %v", e, e.At)})
	}
	tr.mu.Lock()
	for _, l := range slices.Sorted(maps.Keys(tr.links)) {
		all = append(all, tr.links[l]...)
	}
	tr.mu.Unlock()
	// Stable: the order above stands within an instant.
	slices.SortStableFunc(all, func(a, b traced) int { return cmp.Compare(a.at, b.at) })
	out := make([]string, 0, len(all))
	for _, t := range all {
		out = append(out, t.line)
	}
	for _, op := range w.History().Operations() {
		out = append(out, fmt.Sprintf("op client %d %v -> %v [%d, %d]", op.ClientId, op.Input, op.Output, op.Call, op.Return))
	}
	return out
}

// campaignOnly are the flags of a campaign, which its single runs lack.
var campaignOnly = map[string]bool{"seeds": true, "p": true, "o": true, "shard": true, "check-determinism": true, "seed": true}

// singleRun returns args without the campaign's flags (and any -seed).
func singleRun(fs *flag.FlagSet, args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !campaignOnly[name] {
			out = append(out, a)
			continue
		}
		if f := fs.Lookup(name); f != nil && !hasValue && !isBool(f) {
			i++ // skip the value too
		}
	}
	return out
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// replayCommand is the command that runs one seed of the campaign alone,
// as it ran in the campaign.
func replayCommand(lab *Lab, single []string, seed int64) string {
	return "distlab chaos " + lab.Name + " -seed " + strconv.FormatInt(seed, 10) + " " + strings.Join(single, " ")
}

// runWorkers runs the campaign in cf.parallel worker processes: this
// command again, on a sub-shard each, one seed at a time. Several bubbles
// in one process were measured slower than one per process (see the
// README), so -p above 1 means processes.
func runWorkers(lab *Lab, seeds campaign.Seeds, sh campaign.Shard, cf *campaignFlags, stdout, stderr io.Writer, tty bool) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "distlab chaos %s: cannot find the running program to start workers: %v\n", lab.Name, err)
		return 2
	}
	var results *campaign.RecordWriter
	if cf.out != "" {
		f, err := os.Create(cf.out)
		if err != nil {
			fmt.Fprintf(stderr, "distlab chaos %s: -o: %v\n", lab.Name, err)
			return 2
		}
		defer f.Close()
		results = campaign.NewRecordWriter(f)
	}
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	addCampaignFlags(fs)
	base := singleRun(fs, os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, all, err := campaign.Workers(ctx, campaign.WorkerOptions{
		Workers: cf.parallel, Shard: sh, Planned: seeds.Count(sh), Results: results,
		Progress: campaign.NewProgress(stdout, lab.Name, tty),
		Command: func(sub campaign.Shard, out string) []string {
			argv := append([]string{exe}, base...)
			argv = append(argv, "-seeds", cf.seeds, "-p", "1", "-shard", sub.String(), "-o", out)
			if cf.determinism {
				argv = append(argv, "-check-determinism")
			}
			return argv
		},
	})
	if err != nil {
		fmt.Fprintf(stderr, "distlab chaos %s: %v\n", lab.Name, err)
	}
	fmt.Fprintln(stdout)
	campaign.WriteSummary(stdout, all)
	switch {
	case st.Interrupted:
		return 130
	case st.Failed > 0 || err != nil:
		return 1
	}
	return 0
}

// retarget makes the schedule in a failed seed's artefact folder name the
// run of that seed alone — its test and command line — instead of the
// campaign's subtest, so that distlab replay and distlab shrink re-run the
// one seed, not the campaign.
func retarget(dir string, lab *Lab, single []string, seed int64) error {
	if dir == "" {
		return nil
	}
	path := filepath.Join(dir, labtest.ScheduleFile)
	s, err := labtest.LoadSchedule(path)
	if err != nil {
		return err
	}
	s.Test = "chaos-" + lab.Name // the name Command gives a single run
	s.Command = append([]string{os.Args[0], "chaos", lab.Name, "-seed", strconv.FormatInt(seed, 10)}, single...)
	b, err := s.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
