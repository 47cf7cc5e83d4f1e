package chaos

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"distlab/labtest"
)

// Run runs one chaos run of the lab registered under name as the body of
// a labtest test (call it inside labtest.Run, or labtest.Main), and
// returns its Summary. cfg's zero fields take the lab's defaults; labFlags
// are the lab's own flags, as on the command line (e.g. "-unreliable").
//
// The run starts the service and its clients, and then, round after
// round, runs a nemesis on each of the service's clusters, stops it (which
// heals the cluster), and requires the service to serve within
// cfg.Liveness. After the last round the clients stop and must each finish
// within the same bound. The history is checked with porcupine once, at
// the end, when the lab has a Model. A bad setting fails t at once; an
// invariant violation, a liveness failure or a history that is not
// linearizable fails it at the end, and labtest writes the artefacts.
func Run(t *testing.T, name string, cfg Config, labFlags ...string) Summary {
	t.Helper()
	lab, err := lookup(name)
	if err != nil {
		t.Fatalf("chaos: %v", err)
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	start := lab.Setup(fs)
	if err := fs.Parse(labFlags); err != nil {
		t.Fatalf("chaos: %s: %v", name, err)
	}
	return run(t, lab, cfg.withDefaults(lab), start)
}

// run is Run once the lab's flags are parsed and cfg is complete; the
// command shares it.
func run(t *testing.T, lab *Lab, cfg Config, start Start) (s Summary) {
	t.Helper()
	if err := cfg.validate(lab); err != nil {
		t.Fatalf("chaos: %s: bad settings:\n%v", lab.Name, err)
	}
	w := labtest.WorldOf(t)
	s = Summary{Lab: lab.Name, Seed: w.Seed(), Servers: cfg.Servers, Clients: cfg.Clients, Duration: cfg.Duration, Live: true}
	var h *labtest.History
	if lab.Model != nil {
		h = w.History()
		h.SetModel(lab.ModelName, *lab.Model)
	}
	svc := start(t, cfg)
	if len(svc.Clusters) == 0 || svc.Client == nil {
		t.Fatalf("chaos: %s: the lab's Start returned a Service without Clusters or Client", lab.Name)
	}
	cs := startClients(w, h, svc, cfg)
	// Deferred, so that it runs also when t.Fatal ends the body: the
	// clients must not outlive the test, and the summary is printed.
	defer func() {
		cs.stop()
		cs.abandon()
		s.finish(t, w, h, lab, svc, cfg, cs)
	}()

	probeLane := cfg.Clients
	do := func(op Op) (any, bool) { return record(h, probeLane, op) }
	reported := 0
	for elapsed := time.Duration(0); elapsed < cfg.Duration; elapsed += cfg.Round {
		s.Rounds++
		last := elapsed+cfg.Round >= cfg.Duration
		var nems []*labtest.Nemesis
		for _, c := range svc.Clusters {
			if cfg.Schedule != nil {
				nems = append(nems, c.Apply(cfg.Schedule))
			} else {
				nems = append(nems, c.StartNemesis(cfg.Nemesis))
			}
		}
		select {
		case <-time.After(min(cfg.Round, cfg.Duration-elapsed)):
		case <-svc.Violated: // a nil channel: never
		}
		for _, n := range nems {
			n.Stop()
		}
		if svc.Violations != nil {
			if v := svc.Violations(); len(v) > reported {
				t.Errorf("chaos: round %d: %d invariant violation(s):\n%s", s.Rounds, len(v)-reported, lines(v[reported:]))
				reported = len(v)
				break
			}
		}
		// Liveness: once healed, the service serves, and after the last
		// round every client finishes, all within cfg.Liveness.
		healed := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), cfg.Liveness)
		if last {
			cs.stop()
		}
		var err error
		if svc.Probe != nil {
			err = svc.Probe(ctx, do)
		}
		if err == nil && last {
			err = cs.wait(ctx)
		}
		cancel()
		if err != nil {
			s.Live = false
			t.Errorf("chaos: liveness: round %d: within %v of healing, %v", s.Rounds, cfg.Liveness, err)
			break
		}
		s.Recovery = max(s.Recovery, time.Since(healed))
	}
	return s // completed by the deferred call
}

// record performs op, recording it in h on lane when h is not nil and op
// has an input. An abandoned op stays pending.
func record(h *labtest.History, lane int, op Op) (any, bool) {
	var rec *labtest.Op
	if h != nil && op.Input != nil {
		rec = h.Begin(lane, op.Input)
	}
	out, ok := op.Do()
	if ok && rec != nil {
		rec.End(out)
	}
	return out, ok
}

// clients are the goroutines running the service's clients.
type clients struct {
	stopping chan struct{} // closed: start no new operation
	once     sync.Once
	ctx      context.Context // ends when the run gives up on its clients
	cancel   context.CancelFunc
	done     chan struct{} // closed when every client goroutine has ended
	ops      atomic.Int64  // operations completed
	pending  atomic.Int64  // operations abandoned
}

func startClients(w *labtest.World, h *labtest.History, svc Service, cfg Config) *clients {
	cs := &clients{stopping: make(chan struct{}), done: make(chan struct{})}
	cs.ctx, cs.cancel = context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for id := 0; id < cfg.Clients; id++ {
		r := w.Rand()
		next := svc.Client(cs.ctx, id, r)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs.loop(h, id, next, r, cfg.Think)
		}()
	}
	go func() {
		wg.Wait()
		close(cs.done)
	}()
	return cs
}

func (cs *clients) loop(h *labtest.History, id int, next func() Op, r *rand.Rand, think time.Duration) {
	for {
		select {
		case <-cs.stopping:
			return
		default:
		}
		if _, ok := record(h, id, next()); !ok {
			cs.pending.Add(1)
			return
		}
		cs.ops.Add(1)
		if think > 0 {
			select {
			case <-cs.stopping:
				return
			case <-time.After(time.Duration(r.Int64N(int64(2 * think)))):
			}
		}
	}
}

// stop asks the clients to start no new operation.
func (cs *clients) stop() { cs.once.Do(func() { close(cs.stopping) }) }

// wait waits until every client has ended, or ctx ends.
func (cs *clients) wait(ctx context.Context) error {
	select {
	case <-cs.done:
		return nil
	case <-ctx.Done():
		return errors.New("some clients were still waiting for their operation")
	}
}

// abandon gives up on the clients' operations in progress and waits for
// the clients to end.
func (cs *clients) abandon() {
	cs.cancel()
	<-cs.done
}

func lines(v []string) string {
	var b []byte
	for i, l := range v {
		if i == 10 {
			b = fmt.Appendf(b, "  ... and %d more\n", len(v)-10)
			break
		}
		b = fmt.Appendf(b, "  %s\n", l)
	}
	return string(b)
}
