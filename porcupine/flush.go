package porcupine

import "runtime/metrics"

// The memo and the state table are what make the search fast, and what can
// make it large: a hard partition may meet millions of configurations. They
// are only an optimisation — a configuration forgotten is at worst explored
// again — so when the heap grows past heapLimit a search forgets them,
// keeping just the states on its current path, and carries on. Memory stays
// bounded; the price is repeated work, on histories that are very hard anyway.
// Tests lower it.
var heapLimit uint64 = 640 << 20

// flushCheckSteps is how often (in search steps, a power of two multiple of
// 1024) a search looks at the heap's size. Tests lower it.
var flushCheckSteps = 1 << 16

const heapMetric = "/memory/classes/heap/objects:bytes"

// heapBytes returns the bytes of heap objects, live or not yet swept.
func heapBytes(sample []metrics.Sample) uint64 {
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// maybeFlush forgets the memo and the state table if the heap is over its
// limit and this search has grown enough since its last flush (so that it
// does not flush again before the garbage is collected). stack and sid are
// the current path and state; it returns the new id of sid and rewrites the
// ids in stack.
func (s *searcher) maybeFlush(stack []frame, sid int32) int32 {
	if s.heapSample == nil {
		s.heapSample = []metrics.Sample{{Name: heapMetric}}
	}
	if s.memo.n < s.flushFloor || heapBytes(s.heapSample) < heapLimit {
		return sid
	}
	s.flushes++
	s.flushFloor = s.memo.n / 2
	old := s.states
	s.states = newStateTable(s.model, s.byValue, len(s.ops), old.stepFn)
	for i := range stack {
		stack[i].sid = s.states.intern(old.states[stack[i].sid])
	}
	sid = s.states.intern(old.states[sid])
	s.memo = newMemo(s.memo.words, len(s.ops))
	return sid
}
