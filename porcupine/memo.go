package porcupine

// memo is the set of configurations the search has already explored: a
// configuration is the set of operations linearized so far (a bitset of
// `words` words) and the state reached. Lowe's observation is that a
// configuration met twice fails twice, so the second visit can be skipped.
//
// It is an open-addressing hash table with linear probing. Each slot holds the
// configuration's 64-bit key (the Zobrist hash of the set mixed with the
// state's key; 0 marks an empty slot), the state id and the index of a copy of
// the bitset in an arena of fixed-size chunks, so a configuration costs one
// slot and `words` words, with no per-entry allocation and no copying as the
// arena grows.
type memo struct {
	words int
	slots []memoSlot
	n     int
	arena [][]uint64 // chunks of chunkSets bitsets
}

// chunkSets is how many bitsets an arena chunk holds.
const chunkSets = 1 << 12

type memoSlot struct {
	key uint64
	sid int32
	set uint32 // index of the bitset in the arena
}

// newMemo returns an empty memo for sets of `words` words, sized for a
// partition of n operations (it grows as needed).
func newMemo(words, n int) *memo {
	size := 64
	for size < 4*n {
		size *= 2
	}
	return &memo{words: words, slots: make([]memoSlot, size)}
}

// insert adds the configuration (bits, sid) with the given key unless an equal
// one is present; it reports whether it was added.
func (m *memo) insert(key uint64, sid int32, bits []uint64, states *stateTable) bool {
	if key == 0 {
		key = 1
	}
	if 4*(m.n+1) > 3*len(m.slots) {
		m.grow()
	}
	mask := uint64(len(m.slots) - 1)
	i := key & mask
	for {
		s := &m.slots[i]
		if s.key == 0 {
			break
		}
		if s.key == key && states.equal(s.sid, sid) && m.sameBits(s.set, bits) {
			return false
		}
		i = (i + 1) & mask
	}
	set := m.n
	if set%chunkSets == 0 {
		// The first chunk starts small (most searches are small) and grows
		// by append; later ones are allocated whole.
		size := chunkSets
		if set == 0 {
			size = 16
		}
		m.arena = append(m.arena, make([]uint64, 0, size*m.words))
	}
	last := len(m.arena) - 1
	m.arena[last] = append(m.arena[last], bits...)
	m.slots[i] = memoSlot{key: key, sid: sid, set: uint32(set)}
	m.n++
	return true
}

func (m *memo) sameBits(set uint32, bits []uint64) bool {
	at := int(set%chunkSets) * m.words
	stored := m.arena[set/chunkSets][at : at+m.words]
	for i, w := range bits {
		if stored[i] != w {
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
