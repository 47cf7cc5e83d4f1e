package porcupine_test

import "distlab/porcupine"

// bruteForce is the reference checker: it tries every order of every
// admissible subset of ops (all completed operations and any pending ones)
// that respects real time, stepping the model along. It is exponential and
// meant for histories of a handful of operations.
func bruteForce(model porcupine.Model, ops []porcupine.Operation) bool {
	if model.Partition != nil {
		for _, part := range model.Partition(ops) {
			m := model
			m.Partition = nil
			if !bruteForce(m, part) {
				return false
			}
		}
		return true
	}
	equal := model.Equal
	if equal == nil {
		equal = func(a, b interface{}) bool { return a == b }
	}
	_ = equal
	used := make([]bool, len(ops))
	var try func(state interface{}, done int) bool
	try = func(state interface{}, done int) bool {
		// Finished when every completed operation is placed.
		complete := true
		for i, op := range ops {
			if !used[i] && op.Return != porcupine.NoReturn {
				complete = false
				break
			}
		}
		if complete {
			return true
		}
		for i, op := range ops {
			if used[i] || !mayGoNext(ops, used, i) {
				continue
			}
			out := op.Output
			if op.Return == porcupine.NoReturn {
				out = nil
			}
			ok, next := model.Step(state, op.Input, out)
			if !ok {
				continue
			}
			used[i] = true
			found := try(next, done+1)
			used[i] = false
			if found {
				return true
			}
		}
		return false
	}
	return try(model.Init(), 0)
}

// mayGoNext reports whether ops[i] may be linearized next: no unplaced
// operation returned before it was called.
func mayGoNext(ops []porcupine.Operation, used []bool, i int) bool {
	for j, op := range ops {
		if j != i && !used[j] && op.Return != porcupine.NoReturn && op.Return < ops[i].Call {
			return false
		}
	}
	return true
}
