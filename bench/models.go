package bench

import (
	"fmt"
	"hash/maphash"

	"distlab/porcupine"
	"distlab/porcupine/models"

	upstream "github.com/anishathalye/porcupine"
)

// etcdNil is the register's value before any write (reads return nil).
const etcdNil = -1 << 31

// etcdStep is the Jepsen etcd register: read, write, compare-and-swap. A nil
// output is an operation whose outcome is unknown (it timed out): a read
// returns anything, a cas did whatever the state says.
func etcdStep(state, input, output interface{}) (bool, interface{}) {
	st, in := state.(int), input.(etcdIn)
	switch in.op {
	case 0:
		if output == nil {
			return true, st
		}
		out := output.(etcdOut)
		if out.exists {
			return st == out.value, st
		}
		return st == etcdNil, st
	case 1:
		return true, in.a
	}
	next := st
	if in.a == st {
		next = in.b
	}
	if output == nil {
		return true, next
	}
	return output.(etcdOut).ok == (in.a == st), next
}

func describeEtcd(input, output interface{}) string {
	in := input.(etcdIn)
	switch in.op {
	case 0:
		return fmt.Sprintf("read() -> %v", output)
	case 1:
		return fmt.Sprintf("write(%d)", in.a)
	}
	return fmt.Sprintf("cas(%d, %d) -> %v", in.a, in.b, output)
}

// ourEtcd is the register for distlab/porcupine; states are ints compared
// with ==.
var ourEtcd = porcupine.Model{
	Init:              func() interface{} { return etcdNil },
	Step:              etcdStep,
	DescribeOperation: describeEtcd,
}

// theirEtcd is the same register for upstream porcupine.
var theirEtcd = upstream.Model{
	Init:              func() interface{} { return etcdNil },
	Step:              etcdStep,
	DescribeOperation: describeEtcd,
}

var seed = maphash.MakeSeed()

// theirKv is the key/value model for upstream porcupine, with the same
// partitioning by key and hash as models.KvModel.
var theirKv = upstream.Model{
	Partition: func(h []upstream.Operation) [][]upstream.Operation {
		idx := map[string]int{}
		var parts [][]upstream.Operation
		for _, op := range h {
			k := op.Input.(models.KvInput).Key
			i, ok := idx[k]
			if !ok {
				i = len(parts)
				idx[k] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], op)
		}
		return parts
	},
	Init:  func() interface{} { return "" },
	Step:  models.KvModel.Step,
	Equal: func(a, b interface{}) bool { return a.(string) == b.(string) },
	Hash:  func(s interface{}) uint64 { return maphash.String(seed, s.(string)) },
}

// kvOps converts a kv log's operations to the input and output types of
// models.KvModel.
func kvOps(raw []rawOp) []rawOp {
	out := make([]rawOp, len(raw))
	for i, op := range raw {
		in := op.input.(kvIn)
		out[i] = op
		out[i].input = models.KvInput{Op: in.op, Key: in.key, Value: in.value}
		if op.ret >= 0 {
			out[i].output = models.KvOutput{Value: op.output.(kvOut).value}
		}
	}
	return out
}

// ours turns raw operations into distlab/porcupine operations; an operation
// that never returned is pending.
func ours(raw []rawOp) []porcupine.Operation {
	ops := make([]porcupine.Operation, len(raw))
	for i, r := range raw {
		ops[i] = porcupine.Operation{ClientId: r.client, Input: r.input, Call: r.call, Output: r.output, Return: r.ret}
		if r.ret < 0 {
			ops[i].Return = porcupine.NoReturn
			ops[i].Output = nil
		}
	}
	return ops
}

// closedEnd is the time at which an operation that never returned is made
// to return for the closed encoding: after everything else.
func closedEnd(raw []rawOp) int64 {
	end := int64(0)
	for _, r := range raw {
		end = max(end, r.call, r.ret)
	}
	return end + 1
}

// oursClosed turns raw operations into distlab/porcupine operations in the
// closed encoding that upstream needs: an operation that never returned
// returns after everything else with a nil output (unknown).
func oursClosed(raw []rawOp) []porcupine.Operation {
	end := closedEnd(raw)
	ops := ours(raw)
	for i := range ops {
		if ops[i].Return == porcupine.NoReturn {
			ops[i].Return = end
		}
	}
	return ops
}

// theirs turns raw operations into upstream operations in the closed
// encoding (see oursClosed), the one upstream's own tests use.
func theirs(raw []rawOp) []upstream.Operation {
	end := closedEnd(raw)
	ops := make([]upstream.Operation, len(raw))
	for i, r := range raw {
		ops[i] = upstream.Operation{ClientId: r.client, Input: r.input, Call: r.call, Output: r.output, Return: r.ret}
		if r.ret < 0 {
			ops[i].Return = end
			ops[i].Output = nil
		}
	}
	return ops
}
