package labtest

import (
	"fmt"
	"reflect"
	"sync"

	"distlab/labtest/report"
)

// maxViolations bounds the violations an Agreement keeps: after the first
// few, more of them say little. It still counts them all.
const maxViolations = 100

// An Agreement checks that the peers of a replicated log agree on it, from
// the events the test's services report as the peers apply it:
//
//   - one value per slot: every peer that applies (or holds) an index has
//     the same value there, over the whole run — across crashes, restarts
//     and snapshots, not only among the peers alive at one moment;
//   - apply order: each incarnation of a peer applies the indices 1, 2, 3, ...
//     in order without gaps or repeats; a snapshot may jump ahead, never back.
//
// It is the checker behind raft's "state machine safety", and fits any log a
// lab replicates: Paxos instances, the shard controller's configurations.
// A service reports Apply when its peer applies a value, Snapshot when it
// installs a snapshot, Holds for values it learns some other way (read from
// a snapshot) and Restart when the peer restarts from scratch. Other
// checkers of the same test (a poller of the peers' state, say) add their
// findings with Violate, so that a test has one list of violations.
//
// A log whose slots are decided in any order (Paxos instances, learned as
// Status reports them) uses Holds alone: agreement is checked, order is
// not. Values compare with the equality given to NewAgreement; to compare by
// a key, pass func(a, b V) bool { return key(a) == key(b) }.
//
// Violations are kept in the order they were found, so the first in time
// comes first. Failed's channel closes at the first one, for a long run to
// stop early.
//
// An Agreement is safe for concurrent use: every method may be called from
// any goroutine (the services' apply loops run on goroutines of their own).
type Agreement[V any] struct {
	same func(a, b V) bool // immutable

	failOnce sync.Once
	failed   chan struct{} // closed at the first violation

	mu    sync.Mutex
	slots map[int]slot[V] // index -> the first value seen there, and who had it
	// last[p] is the last index peer p's current incarnation applied (or
	// reached by a snapshot); a peer that never applied has 0.
	last       map[int]int
	violations []string         // the first maxViolations, in the order found
	count      int              // all violations, kept or not
	rec        *report.Recorder // receives every violation too, if not nil
}

// A slot is the value first seen at one index of the log.
type slot[V any] struct {
	v    V
	peer int
}

// NewAgreement returns a checker comparing values with same, or, when same
// is nil, with == (values whose dynamic type cannot be compared with ==,
// such as slices or maps, compare by their Go syntax, %#v).
func NewAgreement[V any](same func(a, b V) bool) *Agreement[V] {
	if same == nil {
		same = func(a, b V) bool { return sameValue(a, b) }
	}
	return &Agreement[V]{
		same:   same,
		failed: make(chan struct{}),
		slots:  map[int]slot[V]{},
		last:   map[int]int{},
	}
}

// sameValue compares two values with ==, or by their Go syntax when either
// cannot be compared with ==.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == b
	}
	if reflect.TypeOf(a).Comparable() && reflect.TypeOf(b).Comparable() {
		return a == b
	}
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// Apply records that peer applied v at index. It is a violation if the peer
// did not apply index-1 just before (index 1 first, or the index its last
// snapshot reached), or if any peer applied or held another value at index
// at any time in the run.
func (a *Agreement[V]) Apply(peer, index int, v V) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if last := a.last[peer]; index != last+1 {
		a.violateLocked("apply order: S%d applied index %d after %d", peer, index, last)
	}
	a.last[peer] = index
	a.holdLocked(peer, index, v, "applied")
}

// Holds records that peer holds v at index without applying it there, for
// instance because a snapshot it installed contains it: v is checked
// against the slot, the peer's apply position does not move.
func (a *Agreement[V]) Holds(peer, index int, v V) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.holdLocked(peer, index, v, "holds")
}

// Snapshot records that peer installed a snapshot through index: its next
// Apply must be of index+1. It is a violation if the peer already applied
// index or later.
func (a *Agreement[V]) Snapshot(peer, index int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if last := a.last[peer]; index <= last {
		a.violateLocked("apply order: S%d installed a snapshot through %d after applying %d", peer, index, last)
		return
	}
	a.last[peer] = index
}

// Restart records that peer restarted with nothing applied: its next event
// is an Apply of index 1 or a Snapshot. What it applied before still binds
// the slots.
func (a *Agreement[V]) Restart(peer int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.last, peer)
}

// Applied returns how many peers' current incarnations have reached index
// (applied it, or installed a snapshot through it or beyond) and the value
// at index, if any peer ever had one.
func (a *Agreement[V]) Applied(index int) (n int, v V) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, last := range a.last {
		if last >= index {
			n++
		}
	}
	return n, a.slots[index].v
}

// Violate records a violation found by another checker of the same test.
func (a *Agreement[V]) Violate(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.violateLocked(format, args...)
}

// ReportTo makes a add each violation, when it is found, to a run
// report's recorder (World.Recorder), which marks it on the report's time
// axis; it returns a.
func (a *Agreement[V]) ReportTo(r *report.Recorder) *Agreement[V] {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rec = r
	return a
}

// Violations returns the violations found so far, first found first (at
// most 100 of them; Count says how many there were).
func (a *Agreement[V]) Violations() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.violations...)
}

// Count returns how many violations were found, including those beyond the
// ones Violations keeps.
func (a *Agreement[V]) Count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.count
}

// Failed returns a channel that is closed at the first violation.
func (a *Agreement[V]) Failed() <-chan struct{} { return a.failed }

func (a *Agreement[V]) holdLocked(peer, index int, v V, verb string) {
	s, ok := a.slots[index]
	if !ok {
		a.slots[index] = slot[V]{v: v, peer: peer}
		return
	}
	if !a.same(s.v, v) {
		a.violateLocked("one value per slot: S%d %s %v at index %d, but S%d had %v there", peer, verb, v, index, s.peer, s.v)
	}
}

func (a *Agreement[V]) violateLocked(format string, args ...any) {
	a.count++
	text := fmt.Sprintf(format, args...)
	if len(a.violations) < maxViolations {
		a.violations = append(a.violations, text)
	}
	if a.rec != nil {
		a.rec.Violation("", text)
	}
	a.failOnce.Do(func() { close(a.failed) })
}
