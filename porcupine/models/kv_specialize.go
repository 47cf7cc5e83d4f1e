package models

import (
	"hash/maphash"
	"sort"
	"strings"

	"distlab/porcupine"
)

// The key/value model's reduction for unobserved writes (KvModel.Specialize).
//
// A key's value only matters to the checker through the operations that
// read it: gets, and appends that return the value before them
// (OpAppendOld). If a value is not a prefix of any value that one of these
// returned, no operation can ever observe it, nor anything appends make of
// it (an append only extends it, so it stays a non-prefix), until a put
// replaces it. All such values are "dead" and behave alike: a get or an
// OpAppendOld with an output refuses them all, one with no output (pending)
// accepts them all and keeps them dead, as does an append, and a put
// replaces them by its value.
// So they can be one state, deadValue. This is a congruence on the model's
// states with respect to the partition's operations, so the set of
// sequences the model accepts — and the verdict — is unchanged.
//
// It matters when several appends are concurrent and no get observes their
// order before a put overwrites them (kv c50-bad): without it the search
// must try every order of the appends, as every order is a different string.

// deadValue is the one state standing for every value no get can observe.
type deadValue struct{}

// kvSpecialize returns KvModel for one key's operations, with the values no
// get of them returned (nor any prefix of one) merged into deadValue.
func kvSpecialize(history []porcupine.Operation) porcupine.Model {
	seen := make([]string, 0, len(history)) // the values the gets returned, sorted
	for _, op := range history {
		in, ok := op.Input.(KvInput)
		if !ok || (in.Op != OpGet && in.Op != OpAppendOld) || op.Output == nil {
			continue
		}
		if out, ok := op.Output.(KvOutput); ok {
			seen = append(seen, out.Value)
		}
	}
	sort.Strings(seen)
	// canon maps a value (v, boxed as state) to itself if some get could
	// observe it (it is a prefix of a returned value), else to deadValue.
	canon := func(v string, state interface{}) interface{} {
		i := sort.SearchStrings(seen, v) // the first returned value >= v
		if i < len(seen) && strings.HasPrefix(seen[i], v) {
			return state
		}
		return deadValue{}
	}
	var m porcupine.Model
	m.Init = func() interface{} { return canon("", "") }
	m.Step = func(state, input, output interface{}) (bool, interface{}) {
		in := input.(KvInput)
		value, live := state.(string)
		if live {
			ok, next := kvStep(value, input, output)
			if next == value || !ok {
				return ok, state
			}
			return ok, canon(next.(string), next)
		}
		switch in.Op {
		case OpGet, OpAppendOld:
			return output == nil, state
		case OpPut:
			return true, canon(in.Value, in.Value)
		case OpAppend:
			return true, state
		}
		return false, state
	}
	m.Equal = func(a, b interface{}) bool { return a == b }
	m.Hash = func(state interface{}) uint64 {
		if v, ok := state.(string); ok {
			return maphash.String(hashSeed, v)
		}
		return 0x6465616476616c75 // "deadvalu"
	}
	return m
}
