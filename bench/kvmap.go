package bench

import (
	"hash/maphash"

	"distlab/porcupine"
	"distlab/porcupine/models"

	upstream "github.com/anishathalye/porcupine"
)

// The unpartitioned key/value model: the state is the whole store, a
// map[string]string never modified in place.

func kvMapStep(state, input, output interface{}) (bool, interface{}) {
	st, in := state.(map[string]string), input.(models.KvInput)
	switch in.Op {
	case models.OpGet:
		return output == nil || output.(models.KvOutput).Value == st[in.Key], st
	case models.OpPut:
		next := clone(st)
		next[in.Key] = in.Value
		return true, next
	}
	next := clone(st)
	next[in.Key] += in.Value
	return true, next
}

func clone(m map[string]string) map[string]string {
	c := make(map[string]string, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

func kvMapEqual(a, b interface{}) bool {
	x, y := a.(map[string]string), b.(map[string]string)
	if len(x) != len(y) {
		return false
	}
	for k, v := range x {
		if w, ok := y[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// kvMapHash xors a hash of each key/value pair, so map order does not matter.
func kvMapHash(s interface{}) uint64 {
	var h uint64
	for k, v := range s.(map[string]string) {
		h ^= maphash.String(seed, k) * (maphash.String(seed, v) | 1)
	}
	return h
}

var ourKvMap = porcupine.Model{
	Init:  func() interface{} { return map[string]string{} },
	Step:  kvMapStep,
	Equal: kvMapEqual,
	Hash:  kvMapHash,
}

var theirKvMap = upstream.Model{
	Init:  func() interface{} { return map[string]string{} },
	Step:  kvMapStep,
	Equal: kvMapEqual,
	Hash:  kvMapHash,
}
