package models

import (
	"encoding/json"
	"fmt"
	"strings"

	"distlab/porcupine"
)

// The operations of QueueModel, in QueueInput.Op.
const (
	QueueEnqueue uint8 = 0
	QueueDequeue uint8 = 1
)

// QueueInput is the input of one queue operation: enqueue Value, or dequeue.
type QueueInput struct {
	Op    uint8
	Value int
}

// QueueOutput is the output of a dequeue: the Value removed, or Empty if the
// queue was empty. An enqueue's output is ignored.
type QueueOutput struct {
	Value int
	Empty bool
}

// QueueModel is a FIFO queue of ints, initially empty. Operations are
// QueueInput / QueueOutput values; a pending dequeue (nil output), if it took
// effect, removed the head. The state is a []int, never modified in place.
var QueueModel = porcupine.Model{
	Init: func() interface{} { return []int(nil) },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		q, in := state.([]int), input.(QueueInput)
		switch in.Op {
		case QueueEnqueue:
			next := make([]int, len(q)+1)
			copy(next, q)
			next[len(q)] = in.Value
			return true, next
		case QueueDequeue:
			if output == nil {
				if len(q) == 0 {
					return true, q
				}
				return true, q[1:]
			}
			out := output.(QueueOutput)
			if len(q) == 0 {
				return out.Empty, q
			}
			return !out.Empty && out.Value == q[0], q[1:]
		}
		return false, q
	},
	Equal: func(a, b interface{}) bool {
		x, y := a.([]int), b.([]int)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	},
	Hash: func(state interface{}) uint64 {
		h := uint64(14695981039346656037)
		for _, v := range state.([]int) {
			h = (h ^ uint64(v)) * 1099511628211
		}
		return h
	},
	DescribeOperation: func(input, output interface{}) string {
		in := input.(QueueInput)
		switch in.Op {
		case QueueEnqueue:
			return fmt.Sprintf("enqueue(%d)", in.Value)
		case QueueDequeue:
			switch {
			case output == nil:
				return "dequeue() -> ? (no reply)"
			case output.(QueueOutput).Empty:
				return "dequeue() -> empty"
			}
			return fmt.Sprintf("dequeue() -> %d", output.(QueueOutput).Value)
		}
		return fmt.Sprintf("unknown queue op %d", in.Op)
	},
	DescribeState: func(state interface{}) string {
		q := state.([]int)
		parts := make([]string, len(q))
		for i, v := range q {
			parts[i] = fmt.Sprint(v)
		}
		return "[" + strings.Join(parts, " ") + "] (head first)"
	},
}

func init() {
	register(Named{
		Name: QueueModelName,
		Summary: `FIFO queue of integers: input {"op": "enqueue"|"dequeue", "value": V},
	output {"value": V} or {"empty": true} for a dequeue, {} for an enqueue`,
		Model: QueueModel,
		Decode: func(input, output json.RawMessage) (any, any, error) {
			var in struct {
				Op    json.RawMessage
				Value int
			}
			if err := decodeStrict(input, &in); err != nil {
				return nil, nil, fmt.Errorf("input %s: %w", input, err)
			}
			op, err := opCode(in.Op, []string{"enqueue", "dequeue"})
			if err != nil {
				return nil, nil, fmt.Errorf("input %s: %w", input, err)
			}
			qin := QueueInput{Op: op, Value: in.Value}
			if output == nil {
				return qin, nil, nil
			}
			var out QueueOutput
			if err := decodeStrict(output, &out); err != nil {
				return nil, nil, fmt.Errorf("output %s: %w", output, err)
			}
			return qin, out, nil
		},
	})
}
