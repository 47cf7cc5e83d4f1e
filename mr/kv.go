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

// sortByKey sorts kvs by key. Values of equal keys keep no particular order,
// as in the paper: a reduce function must not depend on it.
func sortByKey(kvs []KeyValue) {
	slices.SortFunc(kvs, func(a, b KeyValue) int { return strings.Compare(a.Key, b.Key) })
}

// reduceSorted calls reducef once per distinct key of the sorted kvs, in key
// order, and passes each result to emit.
func reduceSorted(kvs []KeyValue, reducef func(string, []string) string, emit func(key, value string) error) error {
	for i := 0; i < len(kvs); {
		j := i + 1
		for j < len(kvs) && kvs[j].Key == kvs[i].Key {
			j++
		}
		// A fresh slice per key: reducef may keep or reorder it.
		values := make([]string, j-i)
		for k := i; k < j; k++ {
			values[k-i] = kvs[k].Value
		}
		if err := emit(kvs[i].Key, reducef(kvs[i].Key, values)); err != nil {
			return err
		}
		i = j
	}
	return nil
}
