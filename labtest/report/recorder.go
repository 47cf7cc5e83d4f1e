package report

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"distlab/labrpc"
)

// DefaultRing is how many messages a Recorder keeps by default: the last
// 100,000 of the run.
const DefaultRing = 100_000

// A State is what one peer believed at one time, as a lab's hook reports it
// (for Raft: its role, term, commit index and last applied index). Note is
// free text for what the four fields do not say (a Paxos peer's decided
// instances, a shardkv group's configuration).
type State struct {
	Role    string `json:"role,omitempty"`
	Term    int    `json:"term"`
	Commit  int    `json:"commit"`
	Applied int    `json:"applied"`
	Note    string `json:"note,omitempty"`
}

// A Recorder records one run: every message the network handles (the last
// N of them, in a ring), each peer's state when it changes, and the
// violations the run's checkers found. Observe is a labrpc.Observer.
//
// A Recorder is safe for concurrent use; its methods never block on
// anything but its own short critical sections, so they may be called from
// inside a virtual-time bubble, from any goroutine.
type Recorder struct {
	start time.Time // the run's start on its clock: times are since it

	mu      sync.Mutex
	ringCap int // the most messages kept
	// ring holds the last min(total, ringCap) messages: message k (counting
	// from 0) is at position k % ringCap, in chunks of ringChunk records
	// allocated as they are first needed (a ring that grew by append
	// copied itself at every doubling: a tenth of a chaos run's CPU went
	// to recording). Once full, position total % ringCap is the oldest.
	ring  [][]record
	total int // messages observed; total > ringCap means the ring overflowed
	// last[peer] is the peer's last recorded state: a state equal to it is
	// not recorded again.
	last       map[string]State
	states     []peerState
	violations []recordedViolation
}

// A record is one observed message, kept as the observer gave it (names
// are resolved to lanes only when the document is built).
type record struct {
	call   uint64
	sent   time.Duration
	delay  time.Duration
	end    any
	server any
	method string
	bytes  int32
	kind   labrpc.Kind
	fate   labrpc.Fate
}

type peerState struct {
	peer string
	at   time.Duration
	st   State
}

type recordedViolation struct {
	at   time.Duration
	peer string
	text string
}

// NewRecorder returns a recorder of a run that started at start (on the
// run's clock) that keeps the last ring messages (DefaultRing if ring <= 0).
func NewRecorder(start time.Time, ring int) *Recorder {
	if ring <= 0 {
		ring = DefaultRing
	}
	return &Recorder{start: start, ringCap: ring, last: map[string]State{}}
}

// ringChunk is how many records one chunk of the ring holds.
const ringChunk = 4096

// at returns the ring's position p; the chunk holding it must exist.
func (r *Recorder) at(p int) *record { return &r.ring[p/ringChunk][p%ringChunk] }

// kept is how many messages the ring holds.
func (r *Recorder) kept() int { return min(r.total, r.ringCap) }

// Observe records m; it is the network's observer (Network.SetObserver).
// It does not change the message.
func (r *Recorder) Observe(m *labrpc.Message) {
	rec := record{call: m.Call, sent: m.Time.Sub(r.start), delay: m.Delay, end: m.End, server: m.Server,
		method: m.Method, bytes: int32(m.Bytes), kind: m.Kind, fate: m.Fate}
	r.mu.Lock()
	p := r.total % r.ringCap
	if c := p / ringChunk; c == len(r.ring) {
		r.ring = append(r.ring, make([]record, min(ringChunk, r.ringCap-c*ringChunk)))
	}
	*r.at(p) = rec
	r.total++
	r.mu.Unlock()
}

// State records that peer (a lane's name, e.g. "server-2") is in state st
// now, on the run's clock. A state equal to the peer's last one is not
// recorded again, so a hook may report on every look.
func (r *Recorder) State(peer string, st State) {
	at := time.Since(r.start)
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.last[peer]; ok && old == st {
		return
	}
	r.last[peer] = st
	r.states = append(r.states, peerState{peer: peer, at: at, st: st})
}

// Down records that peer stopped (crashed or killed): its lane shows no
// state until the next State.
func (r *Recorder) Down(peer string) {
	r.State(peer, State{Role: RoleDown})
}

// RoleDown is the role of a peer that is not running.
const RoleDown = "down"

// Violation records that a checker found a violation now; peer names the
// peer it concerns ("" for none in particular).
func (r *Recorder) Violation(peer, text string) {
	at := time.Since(r.start)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.violations = append(r.violations, recordedViolation{at: at, peer: peer, text: text})
}

// Counts returns how many messages were observed and how many are kept.
func (r *Recorder) Counts() (total, kept int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total, r.kept()
}

// Fill adds what r recorded to d: the kept messages (sorted by the time
// they were sent), the states and the violations. Lanes are found by name
// in d.Lanes, and added at the end when absent. owner names the lane of
// the node that owns a calling end (labtest's end names say it); a message
// whose end or server it cannot name gets lane -1.
func (r *Recorder) Fill(d *Document, owner func(end any) string) {
	r.mu.Lock()
	recs := make([]record, r.kept())
	oldest := 0
	if r.total > r.ringCap {
		oldest = r.total % r.ringCap
	}
	for i := range recs {
		recs[i] = *r.at((oldest + i) % r.ringCap)
	}
	total := r.total
	states := append([]peerState(nil), r.states...)
	viols := append([]recordedViolation(nil), r.violations...)
	r.mu.Unlock()

	lanes := map[string]int{}
	for i, l := range d.Lanes {
		lanes[l.Name] = i
	}
	lane := func(name string) int {
		if name == "" {
			return -1
		}
		if i, ok := lanes[name]; ok {
			return i
		}
		lanes[name] = len(d.Lanes)
		d.Lanes = append(d.Lanes, Lane{Name: name, Client: strings.HasPrefix(name, "client-")})
		return lanes[name]
	}
	methods := map[string]int{}
	for i, m := range d.Methods {
		methods[m] = i
	}
	d.Fates = fateNames()
	d.MessagesTotal, d.MessagesKept = total, len(recs)
	msgs := make([]Message, 0, len(recs))
	for _, m := range recs {
		mi, ok := methods[m.method]
		if !ok {
			mi = len(d.Methods)
			methods[m.method] = mi
			d.Methods = append(d.Methods, m.method)
		}
		client, server := lane(owner(m.end)), lane(nameOf(m.server))
		from, to := client, server
		if m.kind == labrpc.Reply {
			from, to = server, client
		}
		msgs = append(msgs, Message{Call: int64(m.call), Kind: int(m.kind), From: from, To: to, Method: mi,
			Sent: int64(m.sent), Arrived: int64(m.sent + m.delay), Bytes: int(m.bytes), Fate: int(m.fate)})
	}
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].Sent < msgs[j].Sent })
	d.Messages = append(d.Messages, msgs...)
	for _, s := range states {
		d.States = append(d.States, StateAt{Lane: lane(s.peer), At: int64(s.at), State: s.st})
	}
	for _, v := range viols {
		d.Violations = append(d.Violations, Violation{At: int64(v.at), Lane: lane(v.peer), Text: v.text})
	}
}

// nameOf returns a server's or end's name as a string ("" for nil).
func nameOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// fateNames lists labrpc's fates by number.
func fateNames() []string {
	var out []string
	for f := labrpc.Fate(0); ; f++ {
		s := f.String()
		if strings.HasPrefix(s, "Fate(") {
			return out
		}
		out = append(out, s)
	}
}
