package paxostest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sync"

	"distlab/labgob"
	"distlab/paxos"
)

// agreement is the Paxos agreement invariant, kept over a whole run: per
// instance at most one value is decided (at any peer, in any incarnation),
// and that value was proposed. Values are compared by a digest of their
// encoding, so the checker holds no large value (forgetting must free
// memory).
type agreement struct {
	mu     sync.Mutex
	props  map[int]map[string]bool    // seq -> digests of the values passed to Start
	chosen map[int]string             // seq -> digest of the decided value
	seen   map[*paxos.Paxos]*recorded // per peer incarnation: what is recorded
	found  []string
}

func newAgreement() *agreement {
	return &agreement{props: map[int]map[string]bool{}, chosen: map[int]string{}, seen: map[*paxos.Paxos]*recorded{}}
}

// boxed lets gob encode any value, a nil interface included.
type boxed struct{ V any }

func digest(v any) string {
	var b bytes.Buffer
	if err := labgob.NewEncoder(&b).Encode(boxed{v}); err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	sum := sha256.Sum256(b.Bytes())
	return string(sum[:])
}

func short(v any) string {
	s := fmt.Sprintf("%v", v)
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

func (a *agreement) proposed(seq int, v any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.props[seq] == nil {
		a.props[seq] = map[string]bool{}
	}
	a.props[seq][digest(v)] = true
}

// recorded is what the checker has recorded of one peer incarnation: every
// instance below prefix, and those in above.
type recorded struct {
	prefix int
	above  map[int]bool
}

func (a *agreement) recordedOf(px *paxos.Paxos) *recorded {
	r := a.seen[px]
	if r == nil {
		r = &recorded{above: map[int]bool{}}
		a.seen[px] = r
	}
	return r
}

// unrecorded returns the instances in [lo, hi] not yet recorded as decided
// from px, so that a poll asks only about those.
func (a *agreement) unrecorded(px *paxos.Paxos, lo, hi int) []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.recordedOf(px)
	if lo > r.prefix {
		for s := range r.above {
			if s < lo {
				delete(r.above, s)
			}
		}
		r.prefix = lo
	}
	var out []int
	for s := r.prefix; s <= hi; s++ {
		if !r.above[s] {
			out = append(out, s)
		}
	}
	return out
}

func (a *agreement) decided(px *paxos.Paxos, peer, seq int, v any) {
	d := digest(v)
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.recordedOf(px)
	if seq >= r.prefix {
		r.above[seq] = true
		for r.above[r.prefix] {
			delete(r.above, r.prefix)
			r.prefix++
		}
	}
	if !a.props[seq][d] {
		a.found = append(a.found, fmt.Sprintf("agreement: peer %d decided %q for instance %d, a value never proposed for it", peer, short(v), seq))
	}
	if old, ok := a.chosen[seq]; !ok {
		a.chosen[seq] = d
	} else if old != d {
		a.found = append(a.found, fmt.Sprintf("agreement: peer %d decided %q for instance %d, where another value was decided before", peer, short(v), seq))
	}
}

func (a *agreement) violations() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.found...)
}
