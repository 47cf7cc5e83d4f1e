package porcupine

import (
	"fmt"
	"reflect"
)

// stateTable gives each model state a small integer id, so that the search
// compares and stores int32s rather than interface values. When the model
// lets us (a Hash, or plain == on a comparable type) equal states share one
// id — they are interned — and the table also remembers each transition
// (state id, operation) -> (legal, next state id), so that the model's Step
// runs once per distinct pair however often the search revisits it.
//
// When the model has a custom Equal but no Hash, states cannot be interned:
// every new state gets a fresh id, and equality falls back to Equal.
type stateTable struct {
	model    Model
	interned bool
	states   []interface{}
	key      []uint64 // per id: what it contributes to a memo key (0 when not interned)

	byHash        map[uint64]int32      // Hash mode: first id with this hash
	sameH         []int32               // Hash mode: next id with the same hash, or -1
	byValue       map[interface{}]int32 // == mode
	trans         transitionTable       // interned only
	useTrans      bool                  // the transition cache is on (see step)
	lookups, hits int
	stepFn        func(s, in, out interface{}) (bool, interface{})
}

// newStateTable returns a table for model m (with defaults filled in); byValue
// says that the model's Equal is the default ==, so comparable states can be
// interned by value.
func newStateTable(m Model, byValue bool, n int, step func(s, in, out interface{}) (bool, interface{})) *stateTable {
	// Room for a state per operation, up to a point: most small searches
	// then never grow these.
	c := min(n+1, 64)
	t := &stateTable{model: m, stepFn: step, states: make([]interface{}, 0, c), key: make([]uint64, 0, c)}
	switch {
	case m.Hash != nil:
		t.interned = true
		t.byHash = make(map[uint64]int32)
		t.sameH = make([]int32, 0, c)
	case byValue:
		t.interned = true
		t.byValue = make(map[interface{}]int32)
	}
	if t.interned {
		t.trans.init(n)
		t.useTrans = true
	}
	return t
}

// checkComparable panics with an actionable message when a model without
// Equal has states that == cannot compare (the alternative is a runtime panic
// from deep inside the search).
func checkComparable(byValue bool, state interface{}) {
	if !byValue || state == nil {
		return
	}
	if typ := reflect.TypeOf(state); !typ.Comparable() {
		panic(fmt.Sprintf("porcupine: the model's states (%v) cannot be compared with ==: give the Model an Equal (and a Hash)", typ))
	}
}

// intern returns the id of state, adding it if it is new.
func (t *stateTable) intern(state interface{}) int32 {
	switch {
	case t.byHash != nil:
		h := t.model.Hash(state)
		if first, ok := t.byHash[h]; ok {
			for id := first; id >= 0; id = t.sameH[id] {
				if t.model.Equal(t.states[id], state) {
					return id
				}
			}
			id := t.add(state)
			t.sameH[id] = t.sameH[first]
			t.sameH[first] = id
			return id
		}
		id := t.add(state)
		t.byHash[h] = id
		return id
	case t.byValue != nil:
		if id, ok := t.byValue[state]; ok {
			return id
		}
		id := t.add(state)
		t.byValue[state] = id
		return id
	default:
		return t.add(state)
	}
}

func (t *stateTable) add(state interface{}) int32 {
	id := int32(len(t.states))
	t.states = append(t.states, state)
	if t.interned {
		t.key = append(t.key, mix64(uint64(id)+0x9e3779b97f4a7c15))
	} else {
		t.key = append(t.key, 0)
	}
	if t.byHash != nil {
		t.sameH = append(t.sameH, -1)
	}
	return id
}

// equal reports whether the states with ids a and b are equal.
func (t *stateTable) equal(a, b int32) bool {
	if a == b {
		return true
	}
	if t.interned {
		return false
	}
	return t.model.Equal(t.states[a], t.states[b])
}

// step applies operation op (with this input and output) to the state with
// id sid. It returns whether the step is legal and the id of the next state.
//
// The transition cache pays when states recur (registers, maps of a few
// keys); when most states are new (long appended strings) it is mostly
// cache misses, so it turns itself off if it hits less than a third of the
// time.
func (t *stateTable) step(sid int32, op int32, in, out interface{}) (bool, int32) {
	if t.useTrans {
		t.lookups++
		if r, ok := t.trans.get(sid, op); ok {
			t.hits++
			return r >= 0, r
		}
		if t.lookups&(transTrial-1) == 0 && t.hits < t.lookups/3 {
			t.useTrans = false
			t.trans = transitionTable{}
		}
	}
	legal, next := t.stepFn(t.states[sid], in, out)
	r := int32(-1)
	if legal {
		r = t.intern(next)
	}
	if t.useTrans {
		t.trans.put(sid, op, r)
	}
	return legal, r
}

// Every transTrial lookups the transition cache must have hit a third of the
// time, or it turns off.
const transTrial = 1 << 14

// transitionTable caches the model's transitions: (state id, op) -> the next
// state id, or -1 for an illegal step. Open addressing with linear probing.
// To bound its memory it is emptied when it reaches maxTransitions entries
// (a miss only costs a call of the model).
type transitionTable struct {
	keys []uint64 // (sid+1)<<32 | op; 0 is empty
	vals []int32
	n    int
}

func (tt *transitionTable) init(n int) {
	size := tableSize(n)
	tt.keys = make([]uint64, size)
	tt.vals = make([]int32, size)
}

func transKey(sid, op int32) uint64 { return uint64(sid+1)<<32 | uint64(uint32(op)) }

func (tt *transitionTable) get(sid, op int32) (int32, bool) {
	k := transKey(sid, op)
	mask := uint64(len(tt.keys) - 1)
	for i := mix64(k) & mask; ; i = (i + 1) & mask {
		switch tt.keys[i] {
		case k:
			return tt.vals[i], true
		case 0:
			return 0, false
		}
	}
}

const maxTransitions = 1 << 22

func (tt *transitionTable) put(sid, op, v int32) {
	if 2*(tt.n+1) > len(tt.keys) {
		if tt.n >= maxTransitions {
			clear(tt.keys)
			tt.n = 0
		} else {
			tt.grow()
		}
	}
	k := transKey(sid, op)
	mask := uint64(len(tt.keys) - 1)
	i := mix64(k) & mask
	for tt.keys[i] != 0 && tt.keys[i] != k {
		i = (i + 1) & mask
	}
	if tt.keys[i] == 0 {
		tt.n++
	}
	tt.keys[i] = k
	tt.vals[i] = v
}

func (tt *transitionTable) grow() {
	oldK, oldV := tt.keys, tt.vals
	tt.keys = make([]uint64, 2*len(oldK))
	tt.vals = make([]int32, 2*len(oldK))
	mask := uint64(len(tt.keys) - 1)
	for j, k := range oldK {
		if k == 0 {
			continue
		}
		i := mix64(k) & mask
		for tt.keys[i] != 0 {
			i = (i + 1) & mask
		}
		tt.keys[i] = k
		tt.vals[i] = oldV[j]
	}
}
