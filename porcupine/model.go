package porcupine

import (
	"context"
	"fmt"
)

// A Model is the sequential specification a history is checked against: an
// initial state and a step function. Its functions must be pure: Step must
// not modify the state, input or output it is given but return a new state,
// and they may be called from several goroutines at once (partitions are
// checked in parallel).
//
// Only Init and Step (or StepContext) are required. Equal defaults to ==,
// which panics on states that are not comparable (maps, slices): give Equal
// for those. Partition makes checking much faster when the history splits into
// independent parts, such as the keys of a key/value store; with a Partition,
// Init and Step describe one part (one key's value rather than the whole map).
// Hash makes checking faster still. The Describe functions are only used by
// visualisation.
type Model struct {
	// Partition splits a history into parts that can be checked alone: the
	// history must be linearizable if and only if every part is. Nil means no
	// partitioning. Each operation must be in exactly one part.
	Partition func(history []Operation) [][]Operation
	// PartitionEvent is Partition for histories of events. A call and its
	// return must land in the same part.
	PartitionEvent func(history []Event) [][]Event
	// Init returns the initial state.
	Init func() interface{}
	// Step reports whether the operation with this input and output can take
	// effect in state, and if it can, the state after it.
	Step func(state interface{}, input interface{}, output interface{}) (bool, interface{})
	// StepContext, if set, is used instead of Step. Its context is cancelled
	// when the check's timeout expires, so that an expensive step can stop
	// early (its result is then ignored).
	StepContext func(ctx context.Context, state interface{}, input interface{}, output interface{}) (bool, interface{})
	// Equal reports whether two states are the same. Nil means ==.
	Equal func(state1, state2 interface{}) bool
	// Hash, if set, returns a hash of a state; Equal states must have equal
	// hashes. The checker then compares states by hash first and keeps one
	// copy of each distinct state.
	Hash func(state interface{}) uint64
	// DescribeOperation renders an operation for a person, e.g.
	// "get('x') -> 'y'". Nil means fmt's %v of input and output.
	DescribeOperation func(input interface{}, output interface{}) string
	// DescribeState renders a state for a person, e.g. "{x: 'y'}". Nil means
	// fmt's %v.
	DescribeState func(state interface{}) string
	// DescribeOperationMetadata renders an Operation's Metadata for a person.
	// Nil means fmt's %v (and nothing for nil metadata).
	DescribeOperationMetadata func(info interface{}) string
	// Specialize, if set, is called once for each partition, with its
	// operations, before the partition is searched, and returns the model to
	// search it with (Partition and the Describe functions of the result are
	// not used). It lets a model shrink its state space to what this
	// partition can tell apart: for instance, states that no operation of the
	// partition can distinguish may become one state. The returned model must
	// accept exactly the sequences of these operations that the model itself
	// accepts, so that the verdict is unchanged. Upstream porcupine has no
	// Specialize.
	Specialize func(history []Operation) Model
	_          struct{} // fields must be named, so that new ones can be added
}

// A NondeterministicModel is a sequential specification whose operations may
// have several possible outcomes: Step returns every state the operation can
// lead to (none if it cannot take effect). ToModel turns it into a Model.
type NondeterministicModel struct {
	// Partition, PartitionEvent: as in Model.
	Partition      func(history []Operation) [][]Operation
	PartitionEvent func(history []Event) [][]Event
	// Init returns the possible initial states.
	Init func() []interface{}
	// Step returns every state that the operation with this input and output
	// can lead to from state; an empty result means it cannot take effect.
	Step func(state interface{}, input interface{}, output interface{}) []interface{}
	// StepContext, if set, is used instead of Step; see Model.StepContext.
	StepContext func(ctx context.Context, state interface{}, input interface{}, output interface{}) []interface{}
	// Equal, Hash and the Describe functions: as in Model, for one state.
	Equal                     func(state1, state2 interface{}) bool
	Hash                      func(state interface{}) uint64
	DescribeOperation         func(input interface{}, output interface{}) string
	DescribeState             func(state interface{}) string
	DescribeOperationMetadata func(info interface{}) string
	_                         struct{} // fields must be named, so that new ones can be added
}

// ToModel returns a deterministic Model whose state is the set of states the
// nondeterministic model may be in (a subset construction). Duplicates are
// merged with Equal; a step is possible when at least one member can take it.
// A state of the returned model is a []interface{}.
func (nm *NondeterministicModel) ToModel() Model {
	eq := nm.Equal
	if eq == nil {
		eq = shallowEqual
	}
	step := nm.StepContext
	if step == nil && nm.Step != nil {
		plain := nm.Step
		step = func(_ context.Context, s, in, out interface{}) []interface{} { return plain(s, in, out) }
	}
	m := Model{
		Partition:      nm.Partition,
		PartitionEvent: nm.PartitionEvent,
		Init: func() interface{} {
			return dedupStates(nm.Init(), eq)
		},
		StepContext: func(ctx context.Context, state, in, out interface{}) (bool, interface{}) {
			var next []interface{}
			for _, s := range state.([]interface{}) {
				next = append(next, step(ctx, s, in, out)...)
			}
			next = dedupStates(next, eq)
			return len(next) > 0, next
		},
		Equal: func(a, b interface{}) bool {
			return sameStateSet(a.([]interface{}), b.([]interface{}), eq)
		},
		DescribeOperation:         nm.DescribeOperation,
		DescribeOperationMetadata: nm.DescribeOperationMetadata,
		DescribeState: func(state interface{}) string {
			set := state.([]interface{})
			desc := nm.DescribeState
			if desc == nil {
				desc = defaultDescribeState
			}
			if len(set) == 1 {
				return desc(set[0])
			}
			s := "one of {"
			for i, x := range set {
				if i > 0 {
					s += ", "
				}
				s += desc(x)
			}
			return s + "}"
		},
	}
	m.Step = func(state, in, out interface{}) (bool, interface{}) {
		return m.StepContext(context.Background(), state, in, out)
	}
	if h := nm.Hash; h != nil {
		// A set's hash must not depend on its order: sum the mixed hashes of
		// its (distinct) members.
		m.Hash = func(state interface{}) uint64 {
			var sum uint64
			for _, s := range state.([]interface{}) {
				sum += mix64(h(s))
			}
			return sum
		}
	}
	return m
}

// dedupStates returns states without duplicates under eq, keeping the first
// of each.
func dedupStates(states []interface{}, eq func(a, b interface{}) bool) []interface{} {
	out := make([]interface{}, 0, len(states))
outer:
	for _, s := range states {
		for _, t := range out {
			if eq(s, t) {
				continue outer
			}
		}
		out = append(out, s)
	}
	return out
}

// sameStateSet reports whether two duplicate-free sets hold the same states.
func sameStateSet(a, b []interface{}, eq func(a, b interface{}) bool) bool {
	if len(a) != len(b) {
		return false
	}
outer:
	for _, x := range a {
		for _, y := range b {
			if eq(x, y) {
				continue outer
			}
		}
		return false
	}
	return true
}

func shallowEqual(a, b interface{}) bool { return a == b }

func defaultDescribeOperation(input, output interface{}) string {
	return fmt.Sprintf("%v -> %v", input, output)
}

func defaultDescribeState(state interface{}) string { return fmt.Sprintf("%v", state) }

func defaultDescribeOperationMetadata(info interface{}) string {
	if info == nil {
		return ""
	}
	return fmt.Sprintf("%v", info)
}

// mix64 is a 64-bit finaliser (splitmix64's): it spreads the bits of x so that
// sums and xors of mixed values behave like random numbers.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// fillDefaults returns m with every optional function that is nil replaced by
// its default: no partitioning, == for Equal, Step wrapped as StepContext (and
// the reverse), and fmt-based descriptions. Hash stays nil when not given.
// The checker and the visualisation both work on a filled model.
func fillDefaults(m Model) Model {
	if m.Partition == nil {
		m.Partition = func(h []Operation) [][]Operation { return [][]Operation{h} }
	}
	if m.PartitionEvent == nil {
		m.PartitionEvent = func(h []Event) [][]Event { return [][]Event{h} }
	}
	if m.Equal == nil {
		m.Equal = shallowEqual
	}
	if m.StepContext == nil && m.Step != nil {
		step := m.Step
		m.StepContext = func(_ context.Context, s, in, out interface{}) (bool, interface{}) { return step(s, in, out) }
	}
	if m.Step == nil && m.StepContext != nil {
		step := m.StepContext
		m.Step = func(s, in, out interface{}) (bool, interface{}) { return step(context.Background(), s, in, out) }
	}
	if m.DescribeOperation == nil {
		m.DescribeOperation = defaultDescribeOperation
	}
	if m.DescribeState == nil {
		m.DescribeState = defaultDescribeState
	}
	if m.DescribeOperationMetadata == nil {
		m.DescribeOperationMetadata = defaultDescribeOperationMetadata
	}
	return m
}
