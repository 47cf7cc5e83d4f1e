package paxostest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sync"

	"distlab/labgob"
	"distlab/labtest"
	"distlab/paxos"
)

// agreement is the Paxos agreement invariant, kept over a whole run: per
// instance at most one value is decided (at any peer, in any incarnation),
// checked by labtest's Agreement (Holds: instances are decided in any
// order), and that value was proposed, checked here and reported through
// the same Agreement. Values are compared by a digest of their encoding, so
// the checker holds no large value (forgetting must free memory).
type agreement struct {
	log *labtest.Agreement[decision]

	mu    sync.Mutex
	props map[int]map[string]bool    // seq -> digests of the values passed to Start
	seen  map[*paxos.Paxos]*recorded // per peer incarnation: what is recorded
}

// decision is a decided value as the checker keeps it.
type decision struct {
	digest string
	show   string // a short rendering for messages
}

func (d decision) String() string { return d.show }

func newAgreement() *agreement {
	return &agreement{
		log:   labtest.NewAgreement(func(a, b decision) bool { return a.digest == b.digest }),
		props: map[int]map[string]bool{},
		seen:  map[*paxos.Paxos]*recorded{},
	}
}

// boxed lets gob encode any value, a nil interface included.
type boxed struct{ V any }

// shortString is the length up to which a string value is its own digest.
const shortString = 64

// digest returns a string that equals another value's digest exactly when
// the values are equal: a short string stands for itself (after a
// marker), any other value for the SHA-256 of its gob encoding. A value
// always takes the same path, so equal values get equal digests.
func digest(v any) string {
	if s, ok := v.(string); ok && len(s) <= shortString {
		return "s" + s
	}
	var b bytes.Buffer
	if err := labgob.NewEncoder(&b).Encode(boxed{v}); err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	sum := sha256.Sum256(b.Bytes())
	return "g" + string(sum[:])
}

func short(v any) string {
	s := fmt.Sprintf("%q", fmt.Sprint(v))
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

func (a *agreement) proposed(seq int, v any) {
	d := digest(v)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.props[seq] == nil {
		a.props[seq] = map[string]bool{}
	}
	a.props[seq][d] = true
}

// recorded is what the checker knows of one peer incarnation: every
// instance up to checked was handed to a poll, and those of them still in
// pending were not yet seen decided (or forgotten by the peer's own Done).
type recorded struct {
	checked int
	pending map[int]bool
}

func (a *agreement) recordedOf(px *paxos.Paxos) *recorded {
	r := a.seen[px]
	if r == nil {
		r = &recorded{checked: -1, pending: map[int]bool{}}
		a.seen[px] = r
	}
	return r
}

// unrecorded returns the instances in [lo, hi] not yet recorded as decided
// from px, so that a poll asks only about those: the pending ones and
// those above the last poll's hi, at a cost that grows with them, not with
// hi - lo.
func (a *agreement) unrecorded(px *paxos.Paxos, lo, hi int) []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.recordedOf(px)
	out := make([]int, 0, len(r.pending)+max(0, hi-r.checked))
	for s := range r.pending {
		if s < lo {
			delete(r.pending, s) // forgotten: Status says so from now on
			continue
		}
		out = append(out, s)
	}
	for s := max(r.checked+1, lo); s <= hi; s++ {
		r.pending[s] = true
		out = append(out, s)
	}
	r.checked = max(r.checked, hi)
	return out
}

// decided records that peer (incarnation px) knows v as decided for seq.
func (a *agreement) decided(px *paxos.Paxos, peer, seq int, v any) {
	d := decision{digest(v), short(v)}
	a.mu.Lock()
	a.record(px, seq)
	wasProposed := a.props[seq][d.digest]
	a.mu.Unlock()
	if !wasProposed {
		a.log.Violate("only proposed values: S%d decided %s for instance %d, a value never proposed for it", peer, d, seq)
	}
	a.log.Holds(peer, seq, d)
}

// forgotten records that px no longer knows seq (its application is done
// with it), so that a poll stops asking.
func (a *agreement) forgotten(px *paxos.Paxos, seq int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.record(px, seq)
}

// record marks seq recorded for px (one above the last poll's hi is
// asked about once more by the next poll). Caller holds a.mu.
func (a *agreement) record(px *paxos.Paxos, seq int) {
	delete(a.recordedOf(px).pending, seq)
}

func (a *agreement) violations() []string { return a.log.Violations() }
