package models

import "distlab/porcupine"

// partitionByKey returns a Partition function that groups operations by the
// key of their input, in order of first appearance.
func partitionByKey(key func(input interface{}) string) func([]porcupine.Operation) [][]porcupine.Operation {
	return func(history []porcupine.Operation) [][]porcupine.Operation {
		index := make(map[string]int)
		var parts [][]porcupine.Operation
		for _, op := range history {
			k := key(op.Input)
			i, ok := index[k]
			if !ok {
				i = len(parts)
				index[k] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], op)
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
