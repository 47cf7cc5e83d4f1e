package rafttest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"distlab/labtest"
)

// ChaosConfig configures a chaos run; the zero value is a sensible one.
type ChaosConfig struct {
	// Servers is the cluster size (default 5).
	Servers int
	// Duration is how long the nemesis runs, on the test's clock (default
	// 30 s). It runs in rounds of Round; after each round the cluster is
	// healed and must commit a command within Liveness.
	Duration time.Duration
	// Round is the length of one round of faults (default 10 s).
	Round time.Duration
	// Liveness bounds the time from healing to a command applied by every
	// peer (default 10 s, the classic bound).
	Liveness time.Duration
	// Nemesis sets the faults: their mean interval and relative rates.
	Nemesis labtest.NemesisConfig
	// Clients is the number of goroutines submitting commands (default 3).
	Clients int
	// Snapshots makes the peers' services snapshot every SnapInterval
	// commands.
	Snapshots bool
	// OnReport, if set, receives the report when the run ends, also when it
	// fails (it runs from a deferred call of Chaos).
	OnReport func(ChaosReport)
}

func (cfg ChaosConfig) withDefaults() ChaosConfig {
	if cfg.Servers <= 0 {
		cfg.Servers = 5
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.Round <= 0 {
		cfg.Round = 10 * time.Second
	}
	if cfg.Liveness <= 0 {
		cfg.Liveness = 10 * time.Second
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 3
	}
	return cfg
}

// ChaosReport is what a chaos run saw.
type ChaosReport struct {
	Servers    int
	Rounds     int
	Leaders    int // distinct (term, leader) pairs seen
	MaxTerm    int
	Submitted  int // commands accepted by a leader's Start
	Committed  int // highest index applied by any peer
	Snapshots  int // snapshots installed from a leader
	Faults     int // faults applied by the nemesis (heals included)
	RPCs       int
	Bytes      int64
	Virtual    time.Duration // on the test's clock
	Recovery   time.Duration // longest time from healing to a command applied everywhere
	Violations []string
}

// Print writes the report as a few lines for a terminal.
func (r ChaosReport) Print(w io.Writer) {
	fmt.Fprintf(w, "raft chaos: %d servers, %d rounds, %v virtual\n", r.Servers, r.Rounds, r.Virtual.Round(time.Millisecond))
	fmt.Fprintf(w, "  leaders   %d seen by the checker (highest term %d)\n", r.Leaders, r.MaxTerm)
	fmt.Fprintf(w, "  commands  %d submitted, %d committed, %d snapshots installed\n", r.Submitted, r.Committed, r.Snapshots)
	fmt.Fprintf(w, "  faults    %d applied by the nemesis\n", r.Faults)
	fmt.Fprintf(w, "  network   %d RPCs, %d bytes\n", r.RPCs, r.Bytes)
	fmt.Fprintf(w, "  recovery  longest %v from healing to a command applied by all\n", r.Recovery.Round(time.Millisecond))
	if len(r.Violations) == 0 {
		fmt.Fprintf(w, "  safety    no violation (election safety, log matching, leader completeness, state machine safety, apply order)\n")
	} else {
		fmt.Fprintf(w, "  safety    %d VIOLATIONS:\n%s", len(r.Violations), joinLines(r.Violations))
	}
}

// Chaos runs a Raft cluster under a random nemesis (partitions, crashes,
// restarts, disconnections, one-way cuts, network mode changes) while
// clients submit commands, checking the safety invariants all along. After
// each round the nemesis is stopped, the cluster healed, and a command
// must be applied by every peer within cfg.Liveness. A violation or a
// missed liveness bound fails t. It must run under labtest.Run.
func Chaos(t *testing.T, cfg ChaosConfig) (rep ChaosReport) {
	t.Helper()
	cfg = cfg.withDefaults()
	h := New(t, cfg.Servers, Config{Snapshots: cfg.Snapshots})
	w := labtest.WorldOf(t)
	rep.Servers = cfg.Servers

	clients := h.StartClients(cfg.Clients)
	stopClients := clients.Stop
	// Runs also when t fails (t.Fatalf ends this goroutine through its
	// deferred calls): the clients must not outlive the test.
	defer func() {
		stopClients()
		rep.Leaders, rep.MaxTerm = h.inv.leaderStats()
		rep.Committed = h.MaxApplied()
		rep.Snapshots = h.SnapshotsDelivered()
		for _, e := range w.Schedule().Events {
			if e.By == labtest.ByNemesis {
				rep.Faults++
			}
		}
		rep.Submitted = clients.Submitted()
		rep.RPCs, rep.Bytes = h.RPCs(), h.Bytes()
		rep.Virtual = w.Now()
		rep.Violations = h.Violations()
		if cfg.OnReport != nil {
			cfg.OnReport(rep)
		}
	}()
	for elapsed := time.Duration(0); elapsed < cfg.Duration; elapsed += cfg.Round {
		rep.Rounds++
		nem := h.c.StartNemesis(cfg.Nemesis)
		select {
		case <-time.After(min(cfg.Round, cfg.Duration-elapsed)):
		case <-h.Violated():
		}
		nem.Stop()
		h.CheckFailures()
		t0 := time.Now()
		if _, err := h.tryOneWithin(h.rng.Int(), h.n, cfg.Liveness); err != nil {
			t.Fatalf("liveness: round %d: after healing, %v", rep.Rounds, err)
		}
		rep.Recovery = max(rep.Recovery, time.Since(t0))
	}
	return rep // completed by the deferred call
}

// Clients are goroutines submitting commands to whichever peers claim to
// lead; see StartClients.
type Clients struct {
	stop      chan struct{}
	once      sync.Once
	wg        sync.WaitGroup
	mu        sync.Mutex
	submitted int
}

// StartClients starts k goroutines that each, every 10 to 50 ms, submit a
// new command (an int unique to the run) to every live peer; a peer that
// leads takes it. The commands are checked like all others: agreement and
// order by the harness, not by the clients. Stop them before the test ends.
func (h *Cluster) StartClients(k int) *Clients {
	cl := &Clients{stop: make(chan struct{})}
	for c := 0; c < k; c++ {
		cl.wg.Add(1)
		go cl.run(h, c, h.ChildRand())
	}
	return cl
}

func (cl *Clients) run(h *Cluster, c int, rng *rand.Rand) {
	defer cl.wg.Done()
	for k := 0; ; k++ {
		select {
		case <-cl.stop:
			return
		case <-time.After(time.Duration(10+rng.IntN(40)) * time.Millisecond):
		}
		cmd := (c+1)*1_000_000_000 + k
		for i := 0; i < h.n; i++ {
			if rf := h.Raft(i); rf != nil {
				if _, _, ok := rf.Start(cmd); ok {
					cl.mu.Lock()
					cl.submitted++
					cl.mu.Unlock()
				}
			}
		}
	}
}

// Stop stops the clients and waits for them; it may be called more than once.
func (cl *Clients) Stop() {
	cl.once.Do(func() { close(cl.stop) })
	cl.wg.Wait()
}

// Submitted returns how many commands a leader accepted.
func (cl *Clients) Submitted() int {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.submitted
}
