package paxostest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/paxos"
)

// ChaosConfig configures a chaos run; the zero value is a sensible one.
type ChaosConfig struct {
	// Servers is the group size (default 5).
	Servers int
	// Duration is how long the nemesis runs, on the test's clock (default
	// 20 s), in rounds of Round (default 10 s); after each round the group
	// is healed and every instance started so far must be decided at
	// every peer within Liveness (default 10 s).
	Duration, Round, Liveness time.Duration
	// Nemesis sets the faults: their mean interval and relative rates.
	Nemesis labtest.NemesisConfig
	// Proposers is the number of goroutines starting instances (default 3).
	Proposers int
	// OnReport, if set, receives the report when the run ends, also when it
	// fails.
	OnReport func(ChaosReport)
}

func (cfg ChaosConfig) withDefaults() ChaosConfig {
	if cfg.Servers <= 0 {
		cfg.Servers = 5
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 20 * time.Second
	}
	if cfg.Round <= 0 {
		cfg.Round = 10 * time.Second
	}
	if cfg.Liveness <= 0 {
		cfg.Liveness = 10 * time.Second
	}
	if cfg.Proposers <= 0 {
		cfg.Proposers = 3
	}
	return cfg
}

// ChaosReport is what a chaos run saw.
type ChaosReport struct {
	Servers    int
	Rounds     int
	Instances  int // instances started
	Proposals  int // calls to Start
	Min        int // the highest Min of any peer at the end
	Faults     int // faults applied by the nemesis
	RPCs       int
	Bytes      int64
	Virtual    time.Duration // on the test's clock
	Recovery   time.Duration // longest time from healing to every instance decided everywhere
	Violations []string
}

// Print writes the report as a few lines for a terminal.
func (r ChaosReport) Print(w io.Writer) {
	fmt.Fprintf(w, "paxos chaos: %d servers, %d rounds, %v virtual\n", r.Servers, r.Rounds, r.Virtual.Round(time.Millisecond))
	fmt.Fprintf(w, "  instances %d started by %d proposals; forgotten below %d\n", r.Instances, r.Proposals, r.Min)
	fmt.Fprintf(w, "  faults    %d applied by the nemesis\n", r.Faults)
	fmt.Fprintf(w, "  network   %d RPCs, %d bytes\n", r.RPCs, r.Bytes)
	fmt.Fprintf(w, "  recovery  longest %v from healing to every instance decided by all\n", r.Recovery.Round(time.Millisecond))
	if len(r.Violations) == 0 {
		fmt.Fprintf(w, "  safety    no violation (one value per instance, at every peer and incarnation; only proposed values)\n")
	} else {
		fmt.Fprintf(w, "  safety    %d VIOLATIONS:\n    %s\n", len(r.Violations), strings.Join(r.Violations, "\n    "))
	}
}

// Chaos runs a Paxos group under a random nemesis (partitions, crashes,
// restarts, disconnections, one-way cuts, network mode changes) while
// proposers start instances at random peers, often two at once for the
// same instance, and peers say Done on what they have decided. The
// agreement invariant is checked all along. After each round the nemesis
// stops, the group is healed, the first value of every undecided instance
// is proposed again (a restarted peer lost its proposers), and every
// instance must be decided by every peer within cfg.Liveness. A violation
// or a missed bound fails t. It must run under labtest.Run.
func Chaos(t *testing.T, cfg ChaosConfig) (rep ChaosReport) {
	t.Helper()
	cfg = cfg.withDefaults()
	c := New(t, cfg.Servers)
	w := labtest.WorldOf(t)
	rep.Servers = cfg.Servers
	props := &proposers{c: c, first: map[int]any{}, stop: make(chan struct{})}
	for k := range cfg.Proposers {
		props.wg.Add(1)
		go props.run(rand.New(rand.NewPCG(uint64(w.Seed()), uint64(k))))
	}
	defer func() {
		props.halt()
		rep.Instances, rep.Proposals = props.count()
		for i := range c.N() {
			if px, ok := c.Live(i); ok {
				rep.Min = max(rep.Min, px.Min())
			}
		}
		for _, e := range w.Schedule().Events {
			if e.By == labtest.ByNemesis {
				rep.Faults++
			}
		}
		rep.RPCs, rep.Bytes, rep.Virtual = w.RPCs(), w.Bytes(), w.Now()
		rep.Violations = c.Violations()
		if cfg.OnReport != nil {
			cfg.OnReport(rep)
		}
	}()
	for elapsed := time.Duration(0); elapsed < cfg.Duration; elapsed += cfg.Round {
		rep.Rounds++
		nem := c.StartNemesis(cfg.Nemesis)
		time.Sleep(min(cfg.Round, cfg.Duration-elapsed))
		nem.Stop()
		c.Heal()
		for i := range c.N() {
			if !c.Alive(i) {
				c.Restart(i)
			}
		}
		c.Reliable(true)
		t0 := time.Now()
		props.settle(cfg.Liveness)
		rep.Recovery = max(rep.Recovery, time.Since(t0))
		if vs := c.Violations(); len(vs) > 0 {
			t.Fatalf("paxos chaos: round %d: %s", rep.Rounds, vs[0])
		}
	}
	return rep // completed by the deferred call
}

// proposers start instances while the nemesis runs.
type proposers struct {
	c    *Cluster
	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup

	mu        sync.Mutex
	next      int         // the next instance to start
	first     map[int]any // the first value proposed for each instance
	proposals int
}

func (p *proposers) run(r *rand.Rand) {
	defer p.wg.Done()
	n := p.c.N()
	for {
		select {
		case <-p.stop:
			return
		case <-time.After(time.Duration(10+r.IntN(40)) * time.Millisecond):
		}
		p.mu.Lock()
		seq := p.next
		if seq > 0 && r.IntN(3) == 0 {
			seq = max(0, p.next-1-r.IntN(3)) // duel over a recent instance
		} else {
			p.next++
		}
		v := fmt.Sprintf("%d/%d", seq, p.proposals)
		if _, ok := p.first[seq]; !ok {
			p.first[seq] = v
		}
		p.proposals++
		p.mu.Unlock()
		p.c.Start(r.IntN(n), seq, v)
		if r.IntN(10) == 0 {
			p.done(r.IntN(n))
		}
	}
}

// done has peer i say Done up to the end of its decided prefix.
func (p *proposers) done(i int) {
	px, ok := p.c.Live(i)
	if !ok {
		return
	}
	s := px.Min()
	for {
		if f, _ := px.Status(s); f != paxos.Decided {
			break
		}
		s++
	}
	px.Done(s - 1)
}

func (p *proposers) halt() {
	p.once.Do(func() { close(p.stop) })
	p.wg.Wait()
}

func (p *proposers) count() (instances, proposals int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next, p.proposals
}

// settle proposes the first value of every instance again at one live peer
// and waits until every peer has decided (or forgotten) every instance.
func (p *proposers) settle(limit time.Duration) {
	c := p.c
	c.t.Helper()
	p.mu.Lock()
	first := make(map[int]any, len(p.first))
	for s, v := range p.first {
		first[s] = v
	}
	p.mu.Unlock()
	deadline := time.Now().Add(limit)
	for i := 0; ; i = (i + 1) % c.N() {
		pending := 0
		for s, v := range first {
			for j := range c.N() {
				px, ok := c.Live(j)
				if !ok {
					continue
				}
				if f, _ := px.Status(s); f == paxos.Pending {
					pending++
					c.Start(i, s, v)
					break
				}
			}
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("paxos chaos: liveness: %d instances still pending at some peer %v after healing", pending, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
