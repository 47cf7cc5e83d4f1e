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
	// Relative rates of the kinds of fault. All zero means the defaults
	// Partition 3, Crash 2, Restart 2, Disconnect 1, Cut 1, Mode 1. A kind
	// with rate 0 never happens (unless all are 0).
	Partition, Crash, Restart, Disconnect, Cut, Mode float64
	// HealEvery is the number of faults after which the nemesis heals the
	// cluster (restarts crashed servers, reconnects everything) and leaves
	// it alone for HealFor. Default 4; negative: never.
	HealEvery int
	// HealFor is the length of a heal period (default 2*Interval).
	HealFor time.Duration
	// MaxFaulty bounds the servers that are crashed, disconnected, cut or in
	// a minority partition at any one time. Default, and maximum, a
	// minority: (n-1)/2, so that a majority can always make progress.
	MaxFaulty int
}

func (cfg NemesisConfig) withDefaults(n int) NemesisConfig {
	if cfg.Interval <= 0 {
		cfg.Interval = 500 * time.Millisecond
	}
	if cfg.Partition == 0 && cfg.Crash == 0 && cfg.Restart == 0 && cfg.Disconnect == 0 && cfg.Cut == 0 && cfg.Mode == 0 {
		cfg.Partition, cfg.Crash, cfg.Restart, cfg.Disconnect, cfg.Cut, cfg.Mode = 3, 2, 2, 1, 1, 1
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

// faultTarget is what a nemesis needs of a Cluster, whatever its server type.
type faultTarget interface {
	size() int
	clusterName() string
	world() *World
	crash(i int, by string) bool
	restart(i int, by string) bool
	setUp(i int, up bool, by string)
	partition(groups [][]int, by string)
	cut(from, to int, by string)
	heal(by string)
	crashed() []int
	addNemesis(n *Nemesis)
}

// A Nemesis injects faults into a cluster from a goroutine of its own: a
// random one (StartNemesis), or one that plays a schedule (Apply, and
// StartNemesis under DISTLAB_REPLAY). Stop it before checking that the
// service recovers; the cluster stops it at the end of the test anyway.
type Nemesis struct {
	c        faultTarget
	stopping chan struct{}
	done     chan struct{}
	once     sync.Once
	modes    netModes // network modes when the nemesis started
}

func (c *Cluster[S]) size() int           { return c.n }
func (c *Cluster[S]) clusterName() string { return c.name }
func (c *Cluster[S]) world() *World       { return c.w }
func (c *Cluster[S]) crashed() []int {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	var out []int
	for i, nd := range c.nodes {
		if !nd.alive {
			out = append(out, i)
		}
	}
	return out
}
func (c *Cluster[S]) addNemesis(n *Nemesis) {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	c.nemeses = append(c.nemeses, n)
}

// StartNemesis starts a random nemesis on the cluster: at random times it
// partitions the cluster, crashes and restarts servers, disconnects them,
// cuts links one way and changes the network's mode, never leaving more
// than cfg.MaxFaulty servers faulty at once, and healing the cluster
// regularly. Its choices come from the test's seed. Under DISTLAB_REPLAY it
// instead re-applies, at their recorded times, the events that the
// nemeses of the recorded run applied to this cluster from now on.
func (c *Cluster[S]) StartNemesis(cfg NemesisConfig) *Nemesis {
	n := newNemesis(c)
	if s := c.w.replay; s != nil {
		var evs []Event
		now := c.w.Now()
		for _, e := range s.Events {
			// A nemesis started later in the test (a chaos run's second
			// round) replays only what the recorded run's did.
			if e.By == ByNemesis && e.Cluster == c.name && e.At >= now {
				evs = append(evs, e)
			}
		}
		go n.play(evs, ByNemesis)
		return n
	}
	c.w.mu.Lock()
	k := len(c.nemeses)
	c.w.mu.Unlock()
	r := deriveRand(c.w.seed, fmt.Sprintf("nemesis/%s/%d", c.name, k))
	go n.random(cfg.withDefaults(c.n), r)
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
	n := newNemesis(c)
	var evs []Event
	for _, e := range s.Events {
		if e.Cluster == c.name || e.Cluster == "" {
			if err := e.validate(map[string]int{e.Cluster: c.n}); err != nil {
				panic(fmt.Sprintf("labtest: Apply: event %v: %v", e, err))
			}
			evs = append(evs, e)
		}
	}
	go n.play(evs, BySchedule)
	return n
}

func newNemesis(c faultTarget) *Nemesis {
	w := c.world()
	w.mu.Lock()
	modes := w.modes
	w.mu.Unlock()
	n := &Nemesis{c: c, stopping: make(chan struct{}), done: make(chan struct{}), modes: modes}
	c.addNemesis(n)
	return n
}

// Wait waits until the nemesis has applied its last event (for Apply), or
// until it is stopped.
func (n *Nemesis) Wait() { <-n.done }

// Stop stops the nemesis and returns the cluster to health: crashed servers
// are restarted, partitions and cuts healed, servers reconnected, and the
// network modes set back to what they were when the nemesis started. These
// events are recorded with By "nemesis-stop".
func (n *Nemesis) Stop() {
	n.halt()
	for _, i := range n.c.crashed() {
		n.c.restart(i, ByNemesisStop)
	}
	n.c.heal(ByNemesisStop)
	w := n.c.world()
	w.mu.Lock()
	now := w.modes
	w.mu.Unlock()
	if now.unreliable != n.modes.unreliable {
		w.setMode(KindReliable, !n.modes.unreliable, ByNemesisStop, n.c.clusterName())
	}
	if now.longReordering != n.modes.longReordering {
		w.setMode(KindLongReordering, n.modes.longReordering, ByNemesisStop, n.c.clusterName())
	}
	if now.longDelays != n.modes.longDelays {
		w.setMode(KindLongDelays, n.modes.longDelays, ByNemesisStop, n.c.clusterName())
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
	d := at - n.c.world().Now()
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
	c := n.c
	switch e.Kind {
	case KindCrash:
		c.crash(e.Server, by)
	case KindRestart:
		c.crash(e.Server, by)
		c.restart(e.Server, by)
	case KindDisconnect:
		c.setUp(e.Server, false, by)
	case KindConnect:
		c.setUp(e.Server, true, by)
	case KindPartition:
		c.partition(e.Groups, by)
	case KindCut:
		c.cut(e.From, e.To, by)
	case KindHeal:
		c.heal(by)
	case KindReliable, KindLongReordering, KindLongDelays:
		c.world().setMode(e.Kind, e.On, by, c.clusterName())
	}
}

// setMode sets one network mode (kind, on or off) and records it as applied
// by by (the test, a nemesis or a schedule).
func (w *World) setMode(kind string, on bool, by, cluster string) {
	w.mu.Lock()
	switch kind {
	case KindReliable:
		w.modes.unreliable = !on
	case KindLongReordering:
		w.modes.longReordering = on
	case KindLongDelays:
		w.modes.longDelays = on
	}
	w.recordLocked(by, Event{Kind: kind, Cluster: cluster, On: on})
	w.mu.Unlock()
	switch kind {
	case KindReliable:
		w.net.Reliable(on)
	case KindLongReordering:
		w.net.LongReordering(on)
	case KindLongDelays:
		w.net.LongDelays(on)
	}
}

// chaos is the random nemesis's view of which servers it made faulty.
type chaos struct {
	n                     int
	crashed, disconnected map[int]bool
	minority, cutEnds     map[int]bool
}

func (s *chaos) faulty() map[int]bool {
	f := map[int]bool{}
	for _, m := range []map[int]bool{s.crashed, s.disconnected, s.minority, s.cutEnds} {
		for i := range m {
			f[i] = true
		}
	}
	return f
}

func (s *chaos) clear() {
	s.crashed, s.disconnected, s.minority, s.cutEnds = map[int]bool{}, map[int]bool{}, map[int]bool{}, map[int]bool{}
}

// random is the loop of a random nemesis.
func (n *Nemesis) random(cfg NemesisConfig, r *rand.Rand) {
	defer close(n.done)
	c := n.c
	st := &chaos{n: c.size()}
	st.clear()
	for _, i := range c.crashed() {
		st.crashed[i] = true
	}
	next := c.world().Now() + jitter(r, cfg.Interval)
	faults := 0
	for {
		if !n.sleepUntil(next) {
			return
		}
		if cfg.HealEvery > 0 && faults > 0 && faults%cfg.HealEvery == 0 {
			for _, i := range sortedKeys(st.crashed) {
				c.restart(i, ByNemesis)
			}
			c.heal(ByNemesis)
			st.clear()
			faults++
			next += cfg.HealFor + jitter(r, cfg.Interval)
			continue
		}
		for try := 0; try < 8; try++ {
			if n.randomFault(cfg, r, st) {
				break
			}
		}
		faults++
		next += jitter(r, cfg.Interval)
	}
}

// randomFault tries one random fault within the budget, and reports
// whether it applied one.
func (n *Nemesis) randomFault(cfg NemesisConfig, r *rand.Rand, st *chaos) bool {
	c := n.c
	weights := []float64{cfg.Partition, cfg.Crash, cfg.Restart, cfg.Disconnect, cfg.Cut, cfg.Mode}
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	kind := 0
	for kind < len(weights)-1 && x >= weights[kind] {
		x -= weights[kind]
		kind++
	}
	faulty := st.faulty()
	// candidates returns the servers that may become faulty within budget.
	candidates := func(skip map[int]bool) []int {
		var out []int
		for i := 0; i < st.n; i++ {
			if skip[i] {
				continue
			}
			if faulty[i] || len(faulty) < cfg.MaxFaulty {
				out = append(out, i)
			}
		}
		return out
	}
	pick := func(xs []int) int { return xs[r.IntN(len(xs))] }
	switch kind {
	case 0: // partition: a random minority (including the faulty) against the rest
		if cfg.MaxFaulty == 0 {
			return false
		}
		minority := map[int]bool{}
		for _, m := range []map[int]bool{st.crashed, st.disconnected, st.cutEnds} {
			for i := range m {
				minority[i] = true
			}
		}
		k := len(minority) + r.IntN(cfg.MaxFaulty-len(minority)+1)
		if k == 0 {
			k = 1
		}
		perm := r.Perm(st.n)
		for _, i := range perm {
			if len(minority) >= k {
				break
			}
			minority[i] = true
		}
		var a, b []int
		for i := 0; i < st.n; i++ {
			if minority[i] {
				a = append(a, i)
			} else {
				b = append(b, i)
			}
		}
		c.partition([][]int{a, b}, ByNemesis)
		st.minority = minority
		return true
	case 1: // crash
		alive := candidates(st.crashed)
		if len(alive) == 0 {
			return false
		}
		i := pick(alive)
		c.crash(i, ByNemesis)
		st.crashed[i] = true
		return true
	case 2: // restart
		if len(st.crashed) == 0 {
			return false
		}
		i := pick(sortedKeys(st.crashed))
		c.restart(i, ByNemesis)
		delete(st.crashed, i)
		return true
	case 3: // disconnect, or reconnect one
		if len(st.disconnected) > 0 && r.IntN(2) == 0 {
			i := pick(sortedKeys(st.disconnected))
			c.setUp(i, true, ByNemesis)
			delete(st.disconnected, i)
			return true
		}
		cs := candidates(st.disconnected)
		if len(cs) == 0 {
			return false
		}
		i := pick(cs)
		c.setUp(i, false, ByNemesis)
		st.disconnected[i] = true
		return true
	case 4: // one-way cut between a (possibly new) faulty server and another
		cs := candidates(nil)
		if len(cs) == 0 || st.n < 2 {
			return false
		}
		v := pick(cs)
		u := r.IntN(st.n - 1)
		if u >= v {
			u++
		}
		if r.IntN(2) == 0 {
			c.cut(v, u, ByNemesis)
		} else {
			c.cut(u, v, ByNemesis)
		}
		st.cutEnds[v] = true
		return true
	default: // network mode
		w := c.world()
		w.mu.Lock()
		m := w.modes
		w.mu.Unlock()
		switch r.IntN(3) {
		case 0:
			w.setMode(KindReliable, m.unreliable, ByNemesis, c.clusterName())
		case 1:
			w.setMode(KindLongReordering, !m.longReordering, ByNemesis, c.clusterName())
		default:
			w.setMode(KindLongDelays, !m.longDelays, ByNemesis, c.clusterName())
		}
		return true
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
