package labtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// NemesisConfig sets how a random nemesis behaves. The zero value is a
// sensible chaos test: a fault about every 500 ms, and after every 4 faults
// a heal period of about 1 s.
type NemesisConfig struct {
	// Interval is the mean time between two faults (default 500 ms); each
	// gap is drawn uniformly from [Interval/2, 3*Interval/2).
	Interval time.Duration
	// Rates are the relative rates of the nemesis's moves, by the names of
	// NemesisFlags' rate flags: partition, crash, restart, disconnect, cut,
	// mode (a network mode flips), slow, lossy, duplicate and pause. nil
	// means the default mix: partition 3, crash 2, restart 2, disconnect 1,
	// cut 1, mode 1; so do rates that are all zero. A move whose rate is 0
	// or absent never happens (unless all are).
	Rates map[string]float64
	// HealEvery is the number of faults after which the nemesis heals the
	// cluster (restarts crashed servers, reconnects everything) and leaves
	// it alone for HealFor. Default 4; negative: never.
	HealEvery int
	// HealFor is the length of a heal period (default 2*Interval).
	HealFor time.Duration
	// MaxFaulty bounds the servers that are crashed, disconnected, paused,
	// at the faulty end of a link or in a minority partition at any one
	// time. Default, and maximum, a minority: (n-1)/2, so that a majority
	// can always make progress.
	MaxFaulty int
}

// defaultRates returns the rates of the moves of the table, by flag.
func defaultRates() map[string]float64 {
	r := map[string]float64{}
	for _, k := range kinds {
		if k.move != nil {
			r[k.move.flag] = k.move.rate
		}
	}
	return r
}

func (cfg NemesisConfig) withDefaults(n int) NemesisConfig {
	if cfg.Interval <= 0 {
		cfg.Interval = 500 * time.Millisecond
	}
	sum := 0.0
	for _, r := range cfg.Rates {
		sum += r
	}
	if sum <= 0 { // nil, or all zero: the default mix
		cfg.Rates = defaultRates()
	}
	if cfg.HealEvery == 0 {
		cfg.HealEvery = 4
	}
	if cfg.HealFor <= 0 {
		cfg.HealFor = 2 * cfg.Interval
	}
	if minority := (n - 1) / 2; cfg.MaxFaulty <= 0 || cfg.MaxFaulty > minority {
		cfg.MaxFaulty = minority
	}
	return cfg
}

// A Nemesis injects faults into a cluster from a goroutine of its own: a
// random one (StartNemesis), or one that plays a schedule (Apply, and
// StartNemesis under DISTLAB_REPLAY). Stop it before checking that the
// service recovers; the cluster stops it at the end of the test anyway.
type Nemesis struct {
	g        *group
	stopping chan struct{}
	done     chan struct{}
	once     sync.Once
	modes    netModes // network modes when the nemesis started
}

// StartNemesis starts a random nemesis on the cluster: at random times it
// partitions the cluster, crashes and restarts servers, disconnects them,
// cuts links one way and changes the network's mode, never leaving more
// than cfg.MaxFaulty servers faulty at once, and healing the cluster
// regularly. Its choices come from the test's seed. Under DISTLAB_REPLAY it
// instead re-applies, at their recorded times, the events that the
// nemeses of the recorded run applied to this cluster from now on.
func (c *Cluster[S]) StartNemesis(cfg NemesisConfig) *Nemesis {
	g := c.g
	n := newNemesis(g)
	if s := g.w.replay; s != nil {
		var evs []Event
		now := g.w.Now()
		for _, e := range s.Events {
			// A nemesis started later in the test (a chaos run's second
			// round) replays only what the recorded run's did.
			if e.By == ByNemesis && e.Cluster == g.name && e.At >= now {
				evs = append(evs, e)
			}
		}
		go n.play(evs, ByNemesis)
		return n
	}
	g.w.mu.Lock()
	k := len(g.nemeses)
	g.w.mu.Unlock()
	r := deriveRand(g.w.seed, fmt.Sprintf("nemesis/%s/%d", g.name, k))
	go n.random(cfg.withDefaults(g.n), r)
	return n
}

// Apply plays a schedule on the cluster from a goroutine of its own: each
// event of the schedule that names this cluster (or no cluster) is applied
// at its time since the start of the test (at once if that time has
// passed). Events are recorded with By "schedule". Wait waits for the last
// one; Stop stops early and heals. A schedule checked into testdata makes a
// regression test:
//
//	s, err := labtest.LoadSchedule("testdata/split-brain.json")
//	require.NoError(t, err)
//	c.Apply(s).Wait()
func (c *Cluster[S]) Apply(s *Schedule) *Nemesis {
	g := c.g
	n := newNemesis(g)
	var evs []Event
	for _, e := range s.Events {
		if e.Cluster == g.name || e.Cluster == "" {
			if err := e.validate(map[string]int{e.Cluster: g.n}); err != nil {
				panic(fmt.Sprintf("labtest: Apply: event %v: %v", e, err))
			}
			evs = append(evs, e)
		}
	}
	go n.play(evs, BySchedule)
	return n
}

func newNemesis(g *group) *Nemesis {
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	n := &Nemesis{g: g, stopping: make(chan struct{}), done: make(chan struct{}), modes: w.modes}
	g.nemeses = append(g.nemeses, n)
	return n
}

// Wait waits until the nemesis has applied its last event (for Apply), or
// until it is stopped.
func (n *Nemesis) Wait() { <-n.done }

// Stop stops the nemesis and returns the cluster to health: crashed servers
// are restarted, partitions and cuts healed, servers reconnected, and the
// network modes set back to what they were when the nemesis started. These
// events are recorded with By "nemesis-stop". A pause cannot be cut short:
// Stop returns when the last pause of the cluster's servers has ended.
func (n *Nemesis) Stop() {
	n.halt()
	g := n.g
	for _, i := range g.crashed() {
		g.restart(i, ByNemesisStop)
	}
	g.heal(ByNemesisStop)
	w := g.w
	w.mu.Lock()
	now := w.modes
	w.mu.Unlock()
	if now.unreliable != n.modes.unreliable {
		w.setMode(KindReliable, !n.modes.unreliable, ByNemesisStop, g.name)
	}
	if now.longReordering != n.modes.longReordering {
		w.setMode(KindLongReordering, n.modes.longReordering, ByNemesisStop, g.name)
	}
	if now.longDelays != n.modes.longDelays {
		w.setMode(KindLongDelays, n.modes.longDelays, ByNemesisStop, g.name)
	}
	if d := g.pausedUntil() - w.Now(); d > 0 {
		time.Sleep(d)
	}
}

// halt stops the nemesis's goroutine without healing.
func (n *Nemesis) halt() {
	n.once.Do(func() { close(n.stopping) })
	<-n.done
}

// sleepUntil waits until the test's clock reads at, and reports false if
// the nemesis was stopped first.
func (n *Nemesis) sleepUntil(at time.Duration) bool {
	d := at - n.g.w.Now()
	if d <= 0 {
		select {
		case <-n.stopping:
			return false
		default:
			return true
		}
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-n.stopping:
		return false
	case <-tm.C:
		return true
	}
}

// play applies events at their times.
func (n *Nemesis) play(evs []Event, by string) {
	defer close(n.done)
	for _, e := range evs {
		if e.By == ByNemesisStop && by == ByNemesis {
			continue // Stop makes these again
		}
		if !n.sleepUntil(e.At) {
			return
		}
		n.apply(e, by)
	}
}

// apply applies one event to the cluster.
func (n *Nemesis) apply(e Event, by string) {
	kindsByName[e.Kind].apply(n.g, e, by)
}

// nemesisState is the random nemesis's view of the servers it made
// faulty, and what a move needs to choose within its budget.
type nemesisState struct {
	g         *group
	n         int
	r         *rand.Rand
	maxFaulty int
	interval  time.Duration
	// marks holds, by kind, the servers that the nemesis made faulty with
	// faults of that kind since the last heal.
	marks map[string]map[int]bool
	// ends holds, for a fault that ends by itself, when its mark goes.
	ends map[string]map[int]time.Duration
}

func (st *nemesisState) clear() {
	st.marks, st.ends = map[string]map[int]bool{}, map[string]map[int]time.Duration{}
	for _, k := range kinds {
		st.marks[k.name], st.ends[k.name] = map[int]bool{}, map[int]time.Duration{}
	}
}

// mark marks server i faulty by a fault of kind, for d (0: until a repair
// or a heal).
func (st *nemesisState) mark(kind string, i int, d time.Duration) {
	st.marks[kind][i] = true
	if d > 0 {
		st.ends[kind][i] = st.g.w.Now() + d
	}
}

// release drops the marks of the faults that have ended by themselves.
func (st *nemesisState) release() {
	now := st.g.w.Now()
	for kind, ends := range st.ends {
		for i, end := range ends {
			if end <= now {
				delete(st.marks[kind], i)
				delete(ends, i)
			}
		}
	}
}

// faulty returns the servers made faulty by every kind but except.
func (st *nemesisState) faulty(except string) map[int]bool {
	f := map[int]bool{}
	for k, m := range st.marks {
		if k != except {
			for i := range m {
				f[i] = true
			}
		}
	}
	return f
}

// candidates returns the servers (but those in skip) that may become
// faulty within the budget: the faulty ones, and any while there is room.
func (st *nemesisState) candidates(skip map[int]bool) []int {
	faulty := st.faulty("")
	var out []int
	for i := 0; i < st.n; i++ {
		if !skip[i] && (faulty[i] || len(faulty) < st.maxFaulty) {
			out = append(out, i)
		}
	}
	return out
}

func (st *nemesisState) pick(xs []int) int { return xs[st.r.IntN(len(xs))] }

// pickServer chooses a server (not in skip) for a fault of kind that lasts
// d (0: until repaired).
func (st *nemesisState) pickServer(kind string, skip map[int]bool, d time.Duration) (Event, bool) {
	cs := st.candidates(skip)
	if len(cs) == 0 {
		return Event{Kind: kind}, false
	}
	i := st.pick(cs)
	st.mark(kind, i, d)
	return Event{Kind: kind, Server: i, For: d}, true
}

// pickRepair chooses a server made faulty by a fault of kind fault, for
// the repair kind.
func (st *nemesisState) pickRepair(kind, fault string) (Event, bool) {
	if len(st.marks[fault]) == 0 {
		return Event{Kind: kind}, false
	}
	i := st.pick(sortedKeys(st.marks[fault]))
	delete(st.marks[fault], i)
	return Event{Kind: kind, Server: i}, true
}

// pickLink chooses a one-way link between a (possibly new) faulty server
// and another, either way, for a fault of kind that lasts d (0: until
// healed).
func (st *nemesisState) pickLink(kind string, d time.Duration) (Event, bool) {
	cs := st.candidates(nil)
	if len(cs) == 0 || st.n < 2 {
		return Event{Kind: kind}, false
	}
	v := st.pick(cs)
	u := st.r.IntN(st.n - 1)
	if u >= v {
		u++
	}
	st.mark(kind, v, d)
	if st.r.IntN(2) == 0 {
		return Event{Kind: kind, From: v, To: u, For: d}, true
	}
	return Event{Kind: kind, From: u, To: v, For: d}, true
}

// random is the loop of a random nemesis.
func (n *Nemesis) random(cfg NemesisConfig, r *rand.Rand) {
	defer close(n.done)
	g := n.g
	st := &nemesisState{g: g, n: g.n, r: r, maxFaulty: cfg.MaxFaulty, interval: cfg.Interval}
	st.clear()
	for _, i := range g.crashed() {
		st.marks[KindCrash][i] = true
	}
	next := g.w.Now() + jitter(r, cfg.Interval)
	faults := 0
	for {
		if !n.sleepUntil(next) {
			return
		}
		if cfg.HealEvery > 0 && faults > 0 && faults%cfg.HealEvery == 0 {
			for _, i := range sortedKeys(st.marks[KindCrash]) {
				g.restart(i, ByNemesis)
			}
			g.heal(ByNemesis)
			st.clear()
			faults++
			next += cfg.HealFor + jitter(r, cfg.Interval)
			continue
		}
		st.release()
		for try := 0; try < 8; try++ {
			if e, ok := drawMove(r, cfg.Rates).move.pick(st); ok {
				n.apply(e, ByNemesis)
				break
			}
		}
		faults++
		next += jitter(r, cfg.Interval)
	}
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
