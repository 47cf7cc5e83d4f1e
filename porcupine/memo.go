package porcupine

// memo is the set of configurations the search has already explored: a
// configuration is the set of operations linearized so far (a bitset of
// `words` words) and the state reached. Lowe's observation is that a
// configuration met twice fails twice, so the second visit can be skipped.
//
// It is an open-addressing hash table with linear probing. Each slot holds the
// configuration's 64-bit key (the Zobrist hash of the set mixed with the
// state's key; 0 marks an empty slot), the state id and the position of a
// copy of the set in an arena of fixed-size chunks, so a configuration costs
// one slot and its set, with no per-entry allocation and no copying as the
// arena grows.
//
// A set is stored compactly, as the search makes it: operations are
// numbered in call order and linearized roughly in that order, so a set is
// a run of full words, then a short window, then zeros. The copy holds one
// header word (lo, the number of leading full words, and the window's
// length) and the window, so a long history with little concurrency costs
// a few words per configuration rather than n/64.
type memo struct {
	words      int
	slots      []memoSlot
	n          int
	chunkWords int        // capacity of an arena chunk, in words
	arena      [][]uint64 // chunks of stored sets
	firstChunk int        // the first chunk's initial capacity, in words
}

type memoSlot struct {
	key uint64
	sid int32
	set uint32 // where the set is: chunk*chunkWords + offset
}

// newMemo returns an empty memo for sets of `words` words, sized for a
// partition of n operations (it grows as needed).
func newMemo(words, n int) *memo {
	return &memo{words: words, slots: make([]memoSlot, tableSize(n)), chunkWords: max(1<<14, 4*(words+1)), firstChunk: min(64, 4*n)}
}

// tableSize is the initial size of a hash table for a partition of n
// operations: a power of two, at least 2n, and small for small partitions
// (the tables grow as needed).
func tableSize(n int) int {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return size
}

// span returns the window of bits that a stored copy needs: lo is the
// number of leading words that are all ones, hi one past the last non-zero
// word. Hints from the previous call make it cheap; it updates them.
func span(bits []uint64, lo, hi *int) (int, int) {
	l := min(*lo, len(bits))
	for l < len(bits) && bits[l] == ^uint64(0) {
		l++
	}
	for l > 0 && bits[l-1] != ^uint64(0) {
		l--
	}
	h := max(*hi, l)
	for h < len(bits) && bits[h] != 0 {
		h++
	}
	for h > l && bits[h-1] == 0 {
		h--
	}
	*lo, *hi = l, h
	return l, h
}

// insert adds the configuration (bits, sid) with the given key unless an equal
// one is present; it reports whether it was added. lo and hi are bits'
// span (see span).
func (m *memo) insert(key uint64, sid int32, bits []uint64, lo, hi int, states *stateTable) bool {
	if key == 0 {
		key = 1
	}
	if 4*(m.n+1) > 3*len(m.slots) {
		m.grow()
	}
	mask := uint64(len(m.slots) - 1)
	i := key & mask
	window := bits[lo:hi]
	for {
		s := &m.slots[i]
		if s.key == 0 {
			break
		}
		if s.key == key && states.equal(s.sid, sid) && m.same(s.set, lo, window) {
			return false
		}
		i = (i + 1) & mask
	}
	need := 1 + len(window)
	last := len(m.arena) - 1
	if last < 0 || len(m.arena[last])+need > m.chunkWords {
		// The first chunk starts small (most searches are small) and grows
		// by append up to chunkWords; later ones are allocated whole.
		size := m.chunkWords
		if last < 0 {
			size = min(max(m.firstChunk, need), m.chunkWords)
		}
		m.arena = append(m.arena, make([]uint64, 0, size))
		last++
	}
	at := len(m.arena[last])
	m.arena[last] = append(m.arena[last], uint64(lo)<<32|uint64(len(window)))
	m.arena[last] = append(m.arena[last], window...)
	m.slots[i] = memoSlot{key: key, sid: sid, set: uint32(last*m.chunkWords + at)}
	m.n++
	return true
}

// same reports whether the stored set at position set equals the set whose
// span starts at lo and holds window.
func (m *memo) same(set uint32, lo int, window []uint64) bool {
	chunk := m.arena[int(set)/m.chunkWords]
	at := int(set) % m.chunkWords
	if chunk[at] != uint64(lo)<<32|uint64(len(window)) {
		return false
	}
	for i, w := range chunk[at+1 : at+1+len(window)] {
		if window[i] != w {
			return false
		}
	}
	return true
}

func (m *memo) grow() {
	old := m.slots
	m.slots = make([]memoSlot, 2*len(old))
	mask := uint64(len(m.slots) - 1)
	for _, s := range old {
		if s.key == 0 {
			continue
		}
		i := s.key & mask
		for m.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		m.slots[i] = s
	}
}
