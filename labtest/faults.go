package labtest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"distlab/labrpc"
)

// The kinds of Event: one entry each in the table below.
const (
	KindCrash          = "crash"           // server crashed: killed, its Persister kept
	KindRestart        = "restart"         // server restarted from a copy of its Persister
	KindDisconnect     = "disconnect"      // server cut off from everyone
	KindConnect        = "connect"         // server reconnected
	KindPartition      = "partition"       // cluster split into groups
	KindCut            = "cut"             // one-way cut: from's calls to to are lost
	KindHeal           = "heal"            // partitions, cuts and link faults removed, servers reconnected
	KindReliable       = "reliable"        // network mode: reliable on/off
	KindLongReordering = "long-reordering" // network mode: long reordering on/off
	KindLongDelays     = "long-delays"     // network mode: long delays on/off
	KindSlow           = "slow"            // from's calls to to delayed by a latency of mean Mean, for For
	KindLossy          = "lossy"           // from's calls to to lose a fraction Rate of requests and of replies, for For
	KindDuplicate      = "duplicate"       // from's calls to to deliver a fraction Rate of requests twice, for For
	KindPause          = "pause"           // server paused for For: its messages in and out held until it resumes
)

// An arg is one argument of an event, as a bit of a kind's args: the
// schedule's codec, its validation and Event.String follow them.
type arg uint8

const (
	argServer arg = 1 << iota // "server": a server's index
	argGroups                 // "groups": the sides of a partition, e.g. [[0,1],[2,3,4]]
	argLink                   // "from", "to": the servers of a one-way link
	argOn                     // "on": a network mode on or off
	argRate                   // "rate": a probability in [0, 1]
	argMean                   // "mean": a latency's mean, a Go duration
	argFor                    // "for": how long the fault lasts, a Go duration (> 0)
)

// A kind is one entry of the table of fault kinds: all that the harness
// knows about one kind of Event. The schedule codec, its validation,
// Cluster.Inject and replay (apply), Heal (heal), the random nemesis and
// its flags (move), the fault/repair classification of summaries
// (Event.IsFault) and the timelines of history.html (repairs, and the
// args) all derive from it.
type kind struct {
	name string
	args arg
	// repairs names, for a repair, the kind whose faults it ends ("" for a
	// fault). A fault with args "for" ends by itself.
	repairs string
	// fault, if set, classifies an event of a kind that is a fault or a
	// repair depending on its arguments (network modes).
	fault func(e Event) bool
	// apply applies the event to a cluster, recording it as applied by by.
	apply func(g *group, e Event, by string)
	// label, if set, names a fault on its timeline lane (default: the
	// event's String).
	label string
	// heal, if set, removes the kind's faults from g as part of Heal. Its
	// caller holds g.w.mu.
	heal func(g *group)
	// move, if set, is how the random nemesis chooses the kind.
	move *move
}

// A move is one kind's part in the random nemesis: its rate (the flag of
// the same name in NemesisFlags and the key in NemesisConfig.Rates) and how
// it chooses an event within the nemesis's budget.
type move struct {
	flag  string
	rate  float64 // default relative rate; 0: only when asked for
	usage string
	pick  func(st *nemesisState) (Event, bool) // false: nothing to do within budget
}

// kinds is the table, in the order that the nemesis draws moves (the
// order of the original six rates, so that old seeds choose alike).
var kinds []*kind

func init() {
	kinds = []*kind{
		{name: KindPartition, args: argGroups,
			apply: func(g *group, e Event, by string) { g.partition(e.Groups, by) },
			heal: func(g *group) {
				for _, nd := range g.nodes {
					nd.group = 0
				}
			},
			move: &move{flag: "partition", rate: 3, usage: "relative rate of partitions", pick: pickPartition}},
		{name: KindCrash, args: argServer, label: "crashed",
			apply: func(g *group, e Event, by string) { g.crash(e.Server, by) },
			move: &move{flag: "crash", rate: 2, usage: "relative rate of crashes", pick: func(st *nemesisState) (Event, bool) {
				return st.pickServer(KindCrash, st.marks[KindCrash], 0)
			}}},
		{name: KindRestart, args: argServer, repairs: KindCrash,
			apply: func(g *group, e Event, by string) { g.crash(e.Server, by); g.restart(e.Server, by) },
			move: &move{flag: "restart", rate: 2, usage: "relative rate of restarts", pick: func(st *nemesisState) (Event, bool) {
				return st.pickRepair(KindRestart, KindCrash)
			}}},
		{name: KindDisconnect, args: argServer, label: "disconnected",
			apply: func(g *group, e Event, by string) { g.setUp(e.Server, false, by) },
			heal: func(g *group) {
				for _, nd := range g.nodes {
					nd.up = true
				}
			},
			move: &move{flag: "disconnect", rate: 1, usage: "relative rate of disconnections", pick: func(st *nemesisState) (Event, bool) {
				if len(st.marks[KindDisconnect]) > 0 && st.r.IntN(2) == 0 {
					return st.pickRepair(KindConnect, KindDisconnect)
				}
				return st.pickServer(KindDisconnect, st.marks[KindDisconnect], 0)
			}}},
		{name: KindConnect, args: argServer, repairs: KindDisconnect,
			apply: func(g *group, e Event, by string) { g.setUp(e.Server, true, by) }},
		{name: KindCut, args: argLink,
			apply: func(g *group, e Event, by string) { g.cut(e.From, e.To, by) },
			heal: func(g *group) {
				for k := range g.w.cuts {
					if g.w.nodes[k[0]].cluster == g.name || g.w.nodes[k[1]].cluster == g.name {
						delete(g.w.cuts, k)
					}
				}
			},
			move: &move{flag: "cut", rate: 1, usage: "relative rate of one-way cuts", pick: func(st *nemesisState) (Event, bool) {
				return st.pickLink(KindCut, 0)
			}}},
		{name: KindHeal, repairs: "*",
			apply: func(g *group, e Event, by string) { g.heal(by) }},
		{name: KindReliable, args: argOn, label: "unreliable", fault: func(e Event) bool { return !e.On },
			apply: func(g *group, e Event, by string) { g.w.setMode(KindReliable, e.On, by, g.name) },
			// One rate for the three network modes: a move flips one of them.
			move: &move{flag: "mode", rate: 1, usage: "relative rate of network mode changes (unreliable, long reordering, long delays)", pick: pickMode}},
		{name: KindLongReordering, args: argOn, label: KindLongReordering, fault: func(e Event) bool { return e.On },
			apply: func(g *group, e Event, by string) { g.w.setMode(KindLongReordering, e.On, by, g.name) }},
		{name: KindLongDelays, args: argOn, label: KindLongDelays, fault: func(e Event) bool { return e.On },
			apply: func(g *group, e Event, by string) { g.w.setMode(KindLongDelays, e.On, by, g.name) }},
		{name: KindSlow, args: argLink | argMean | argFor,
			apply: func(g *group, e Event, by string) {
				g.setLink(e, by, func(f *labrpc.Faults) {
					f.RequestDelay, f.ReplyDelay = labrpc.Exponential(e.Mean/2), labrpc.Exponential(e.Mean/2)
				})
			},
			heal: healLinks(KindSlow),
			move: &move{flag: "slow", usage: "relative rate of slow links (latency of mean 4×interval/10, for about 2×interval)",
				pick: func(st *nemesisState) (Event, bool) {
					e, ok := st.pickLink(KindSlow, jitter(st.r, 2*st.interval))
					e.Mean = st.interval * 4 / 10
					return e, ok
				}}},
		linkRateKind(KindLossy, "relative rate of lossy links (a quarter to three quarters of messages lost, for about 2×interval)",
			func(f *labrpc.Faults, rate float64) { f.DropRequest, f.DropReply = rate, rate }),
		linkRateKind(KindDuplicate, "relative rate of duplicating links (a quarter to three quarters of requests twice, for about 2×interval)",
			func(f *labrpc.Faults, rate float64) { f.Duplicate = rate }),
		{name: KindPause, args: argServer | argFor, label: "paused",
			apply: func(g *group, e Event, by string) { g.pause(e.Server, e.For, by) },
			move: &move{flag: "pause", usage: "relative rate of pauses (a server frozen for about 2×interval, then resumed)",
				pick: func(st *nemesisState) (Event, bool) {
					return st.pickServer(KindPause, st.marks[KindPause], jitter(st.r, 2*st.interval))
				}}},
	}
	kindsByName = map[string]*kind{}
	for _, k := range kinds {
		kindsByName[k.name] = k
	}
}

var kindsByName map[string]*kind

// kindNames returns the kinds' names, in the table's order.
func kindNames() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.name
	}
	return out
}

// linkRateKind is the entry of a link fault that affects a fraction Rate
// of a link's messages for a while (lossy, duplicate): set applies it to
// the link's model.
func linkRateKind(name, usage string, set func(f *labrpc.Faults, rate float64)) *kind {
	return &kind{name: name, args: argLink | argRate | argFor,
		apply: func(g *group, e Event, by string) {
			g.setLink(e, by, func(f *labrpc.Faults) { set(f, e.Rate) })
		},
		heal: healLinks(name),
		move: &move{flag: name, usage: usage, pick: func(st *nemesisState) (Event, bool) {
			e, ok := st.pickLink(name, jitter(st.r, 2*st.interval))
			e.Rate = 0.25 + st.r.Float64()/2
			return e, ok
		}}}
}

// healLinks returns the heal of a link fault kind: it ends the kind's
// faults on every link from or to the group's servers.
func healLinks(name string) func(g *group) {
	return func(g *group) { g.w.clearLinksLocked(g.name, name) }
}

// pickPartition splits the cluster in two: a random minority, which
// includes the servers already faulty, against the rest.
func pickPartition(st *nemesisState) (Event, bool) {
	if st.maxFaulty == 0 {
		return Event{}, false
	}
	minority := st.faulty(KindPartition)
	k := max(1, len(minority)+st.r.IntN(st.maxFaulty-len(minority)+1))
	for _, i := range st.r.Perm(st.n) {
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
	st.marks[KindPartition] = minority
	return Event{Kind: KindPartition, Groups: [][]int{a, b}}, true
}

// pickMode flips one of the three network modes.
func pickMode(st *nemesisState) (Event, bool) {
	w := st.g.w
	w.mu.Lock()
	m := w.modes
	w.mu.Unlock()
	switch st.r.IntN(3) {
	case 0:
		return Event{Kind: KindReliable, On: m.unreliable}, true
	case 1:
		return Event{Kind: KindLongReordering, On: !m.longReordering}, true
	default:
		return Event{Kind: KindLongDelays, On: !m.longDelays}, true
	}
}

// drawMove draws a move by the rates.
func drawMove(r *rand.Rand, rates map[string]float64) *kind {
	total := 0.0
	var ks []*kind
	for _, k := range kinds {
		if k.move != nil {
			ks = append(ks, k)
			total += rates[k.move.flag]
		}
	}
	x := r.Float64() * total
	i := 0
	for i < len(ks)-1 && x >= rates[ks[i].move.flag] {
		x -= rates[ks[i].move.flag]
		i++
	}
	return ks[i]
}

// validDuration reports a "for" or "mean" argument that cannot be.
func validDuration(name string, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("args.%s = %v: need a positive duration", name, d)
	}
	return nil
}
