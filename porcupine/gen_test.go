package porcupine_test

import (
	"math/rand/v2"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

// randomHistory builds a small random history of nOps operations by up to
// three clients, each making one call at a time, with timestamps from a small
// range so that ties (closed intervals) are common. About one operation in
// eight never returns (its client then stops). Outputs are drawn at random
// from small domains, so that roughly half the histories are linearizable.
// op makes one random input and output.
func randomHistory(r *rand.Rand, nOps int, op func(r *rand.Rand) (in, out interface{})) []porcupine.Operation {
	var ops []porcupine.Operation
	clients := 1 + r.IntN(3)
	free := make([]int64, clients) // when each client may call next; -1: crashed
	for len(ops) < nOps {
		c := r.IntN(clients)
		if free[c] < 0 {
			alive := false
			for _, f := range free {
				alive = alive || f >= 0
			}
			if !alive {
				break
			}
			continue
		}
		call := free[c] + int64(r.IntN(3))
		ret := call + int64(r.IntN(4))
		in, out := op(r)
		o := porcupine.Operation{ClientId: c, Input: in, Call: call, Output: out, Return: ret}
		if r.IntN(8) == 0 {
			o.Return = porcupine.NoReturn
			o.Output = nil
			free[c] = -1
		} else {
			free[c] = ret + 1
		}
		ops = append(ops, o)
	}
	return ops
}

func randomRegisterOp(r *rand.Rand) (interface{}, interface{}) {
	switch r.IntN(3) {
	case 0:
		return models.RegisterInput{Op: models.RegisterRead}, models.RegisterOutput{Value: r.IntN(3)}
	case 1:
		return models.RegisterInput{Op: models.RegisterWrite, Value: r.IntN(3)}, models.RegisterOutput{}
	}
	return models.RegisterInput{Op: models.RegisterCAS, Expect: r.IntN(3), Value: r.IntN(3)},
		models.RegisterOutput{Ok: r.IntN(2) == 0}
}

func randomKvOp(r *rand.Rand) (interface{}, interface{}) {
	key := []string{"a", "b"}[r.IntN(2)]
	switch r.IntN(4) {
	case 3:
		// An append that returns the value before it: it observes the state.
		return models.KvInput{Op: models.OpAppendOld, Key: key, Value: []string{"x", "y"}[r.IntN(2)]},
			models.KvOutput{Value: []string{"", "x", "y", "xy"}[r.IntN(4)]}
	case 0:
		return models.KvInput{Op: models.OpGet, Key: key}, models.KvOutput{Value: []string{"", "x", "y", "xy", "yx"}[r.IntN(5)]}
	case 1:
		return models.KvInput{Op: models.OpPut, Key: key, Value: []string{"x", "y"}[r.IntN(2)]}, models.KvOutput{}
	}
	return models.KvInput{Op: models.OpAppend, Key: key, Value: []string{"x", "y"}[r.IntN(2)]}, models.KvOutput{}
}

func randomQueueOp(r *rand.Rand) (interface{}, interface{}) {
	if r.IntN(2) == 0 {
		return models.QueueInput{Op: models.QueueEnqueue, Value: r.IntN(3)}, models.QueueOutput{}
	}
	return models.QueueInput{Op: models.QueueDequeue}, models.QueueOutput{Value: r.IntN(3), Empty: r.IntN(4) == 0}
}
