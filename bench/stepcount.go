package bench

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"distlab/porcupine"

	upstream "github.com/anishathalye/porcupine"
)

// StepCount is what a checker asked of its model during one check: the
// calls of Step, the distinct (state, operation) pairs among them, and the
// distinct states they were made from. States are told apart with the
// model's own Hash and Equal; an operation is its input and output.
type StepCount struct {
	Calls, Pairs, States int
}

// stepCounter wraps a model's Step and counts what it is asked. It is safe
// for concurrent use: one mutex guards every field.
type stepCounter struct {
	step  func(state, input, output interface{}) (bool, interface{})
	hash  func(interface{}) uint64    // nil: every state in one bucket
	equal func(a, b interface{}) bool // never nil
	mu    sync.Mutex
	calls int
	n     int                  // distinct states seen: len of all ids
	ids   map[uint64][]stateID // states seen, by hash
	pairs map[pairKey]struct{} // (state id, input, output) seen
}

type stateID struct {
	state interface{}
	id    int
}

type pairKey struct {
	state         int
	input, output interface{} // as given if comparable, else formatted
}

func newStepCounter(step func(state, input, output interface{}) (bool, interface{}), hash func(interface{}) uint64, equal func(a, b interface{}) bool) *stepCounter {
	if equal == nil {
		equal = func(a, b interface{}) bool { return a == b }
	}
	return &stepCounter{step: step, hash: hash, equal: equal,
		ids: map[uint64][]stateID{}, pairs: map[pairKey]struct{}{}}
}

// Step counts the call, then calls the model's Step.
func (c *stepCounter) Step(state, input, output interface{}) (bool, interface{}) {
	c.mu.Lock()
	c.calls++
	c.pairs[pairKey{c.intern(state), comparableKey(input), comparableKey(output)}] = struct{}{}
	c.mu.Unlock()
	return c.step(state, input, output)
}

// intern returns state's id, the same for states the model calls equal.
// The caller holds c.mu.
func (c *stepCounter) intern(state interface{}) int {
	var h uint64
	if c.hash != nil {
		h = c.hash(state)
	}
	for _, s := range c.ids[h] {
		if c.equal(s.state, state) {
			return s.id
		}
	}
	c.ids[h] = append(c.ids[h], stateID{state, c.n})
	c.n++
	return c.n - 1
}

func (c *stepCounter) result() StepCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	return StepCount{Calls: c.calls, Pairs: len(c.pairs), States: c.n}
}

// comparableKey returns v if it can be a map key, else its formatting.
func comparableKey(v interface{}) interface{} {
	if v == nil || reflect.TypeOf(v).Comparable() {
		return v
	}
	return fmt.Sprintf("%#v", v)
}

// countSteps checks the closed history once with each checker, each given
// its model with Step wrapped in a counter (upstream's code is untouched),
// and returns the counts and verdicts. The models must step with Step, not
// StepContext.
func countSteps(ourModel porcupine.Model, ops []porcupine.Operation, theirModel upstream.Model, theirOps []upstream.Operation, timeout time.Duration) (ours, theirs StepCount, ourVerdict, theirVerdict string) {
	oc := newStepCounter(ourModel.Step, ourModel.Hash, ourModel.Equal)
	ourModel.Step = oc.Step
	ourVerdict = string(porcupine.CheckOperationsTimeout(ourModel, ops, timeout))
	tc := newStepCounter(theirModel.Step, theirModel.Hash, theirModel.Equal)
	theirModel.Step = tc.Step
	theirVerdict = string(upstream.CheckOperationsTimeout(theirModel, theirOps, timeout))
	return oc.result(), tc.result(), ourVerdict, theirVerdict
}
