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
	props  map[int]map[string]bool // seq -> digests of the values passed to Start
	chosen map[int]string          // seq -> digest of the decided value
	seen   map[*paxos.Paxos]int    // per peer incarnation: instances below are recorded
	found  []string
}

func newAgreement() *agreement {
	return &agreement{props: map[int]map[string]bool{}, chosen: map[int]string{}, seen: map[*paxos.Paxos]int{}}
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

// cursor returns where a poll of px should start: lo, or past the
// contiguous prefix of instances already recorded from px.
func (a *agreement) cursor(px *paxos.Paxos, lo int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return max(lo, a.seen[px])
}

func (a *agreement) decided(px *paxos.Paxos, peer, seq int, v any) {
	d := digest(v)
	a.mu.Lock()
	defer a.mu.Unlock()
	if seq == a.seen[px] {
		a.seen[px] = seq + 1
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
