package models

import "distlab/porcupine"

// partitionByKey returns a Partition function that groups operations by the
// key of their input, in order of first appearance.
func partitionByKey(key func(input interface{}) string) func([]porcupine.Operation) [][]porcupine.Operation {
	return func(history []porcupine.Operation) [][]porcupine.Operation {
		// Two passes, so that the partitions share one array and none grows
		// by appending: first each operation's partition and the sizes.
		index := make(map[string]int32)
		of := make([]int32, len(history))
		var sizes []int
		for j, op := range history {
			k := key(op.Input)
			i, ok := index[k]
			if !ok {
				i = int32(len(sizes))
				index[k] = i
				sizes = append(sizes, 0)
			}
			of[j] = i
			sizes[i]++
		}
		all := make([]porcupine.Operation, len(history))
		parts := make([][]porcupine.Operation, len(sizes))
		at := 0
		for i, size := range sizes {
			parts[i] = all[at : at : at+size] // full capacity: an append copies
			at += size
		}
		for j, op := range history {
			parts[of[j]] = append(parts[of[j]], op)
		}
		return parts
	}
}

// partitionEventsByKey returns a PartitionEvent function that groups events
// by the key of their operation's input (a return event goes with its call,
// found by Id; a return with no call before it is dropped).
func partitionEventsByKey(key func(input interface{}) string) func([]porcupine.Event) [][]porcupine.Event {
	return func(history []porcupine.Event) [][]porcupine.Event {
		index := make(map[string]int)
		callPart := make(map[int]int) // event Id -> partition of its call
		var parts [][]porcupine.Event
		for _, e := range history {
			if e.Kind == porcupine.ReturnEvent {
				if i, ok := callPart[e.Id]; ok {
					parts[i] = append(parts[i], e)
				}
				continue
			}
			k := key(e.Value)
			i, ok := index[k]
			if !ok {
				i = len(parts)
				index[k] = i
				parts = append(parts, nil)
			}
			callPart[e.Id] = i
			parts[i] = append(parts[i], e)
		}
		return parts
	}
}
