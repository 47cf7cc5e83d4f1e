package mr

import (
	"slices"
	"strings"
)

// KeyValue is one pair emitted by a map function. Keys and values are
// arbitrary strings (they may contain spaces, newlines or NUL bytes); the
// framework never interprets them.
type KeyValue struct {
	Key   string
	Value string
}

// ihash picks the reduce task of a key: ihash(key) % nReduce. It is 32-bit
// FNV-1a, masked to a non-negative int, so every process on every machine
// agrees; computed inline because the map side calls it once per pair.
func ihash(key string) int {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h & 0x7fffffff)
}

// Partition returns the reduce task (0 ≤ r < nReduce) that key belongs to.
// Applications and tests use it to predict which output file holds a key.
func Partition(key string, nReduce int) int { return ihash(key) % nReduce }

// reduceAll calls reducef once per distinct key of kvs, in increasing key
// order, with that key's values in the order they appear in kvs, and passes
// each result to emit.
//
// It groups with a hash map and sorts only the distinct keys, rather than
// sorting every pair: typical inputs (word count) have tens of pairs per key,
// so this is several times cheaper than a comparison sort of all pairs.
func reduceAll(kvs []KeyValue, reducef func(string, []string) string, emit func(key, value string) error) error {
	// group[i] is the group of kvs[i]; keys[g] and counts[g] describe group g.
	index := make(map[string]int32, len(kvs)/8+1)
	group := make([]int32, len(kvs))
	var keys []string
	var counts []int32
	for i, kv := range kvs {
		g, ok := index[kv.Key]
		if !ok {
			g = int32(len(keys))
			index[kv.Key] = g
			keys = append(keys, kv.Key)
			counts = append(counts, 0)
		}
		counts[g]++
		group[i] = g
	}
	// Lay the values out group after group in one slice.
	start := make([]int32, len(keys)+1)
	for g, n := range counts {
		start[g+1] = start[g] + n
	}
	next := slices.Clone(start[:len(keys)])
	values := make([]string, len(kvs))
	for i, kv := range kvs {
		values[next[group[i]]] = kv.Value
		next[group[i]]++
	}
	order := make([]int32, len(keys))
	for g := range order {
		order[g] = int32(g)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(keys[a], keys[b]) })
	for _, g := range order {
		lo, hi := start[g], start[g+1]
		// Capacity capped: a reducef that appends cannot overwrite the next group.
		if err := emit(keys[g], reducef(keys[g], values[lo:hi:hi])); err != nil {
			return err
		}
	}
	return nil
}
