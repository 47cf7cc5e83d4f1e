package models

import (
	"fmt"

	"distlab/porcupine"
)

// The operations of RegisterModel, in RegisterInput.Op.
const (
	RegisterRead  uint8 = 0
	RegisterWrite uint8 = 1
	RegisterCAS   uint8 = 2
)

// RegisterInput is the input of one register operation: a read, a write of
// Value, or a compare-and-swap that sets the register to Value if it holds
// Expect.
type RegisterInput struct {
	Op     uint8
	Value  int
	Expect int
}

// RegisterOutput is the output of one register operation: the Value a read
// returned, or whether a compare-and-swap succeeded (Ok). A write's output is
// ignored.
type RegisterOutput struct {
	Value int
	Ok    bool
}

// RegisterModel is a single integer register, initially 0, with read, write
// and compare-and-swap. Operations are RegisterInput / RegisterOutput values;
// a pending operation's output is nil (a pending read returns anything; a
// pending compare-and-swap, if it took effect, did whatever the state made it
// do). The state is an int.
var RegisterModel = porcupine.Model{
	Init: func() interface{} { return 0 },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		v, in := state.(int), input.(RegisterInput)
		switch in.Op {
		case RegisterRead:
			return output == nil || output.(RegisterOutput).Value == v, v
		case RegisterWrite:
			return true, in.Value
		case RegisterCAS:
			swapped := v == in.Expect
			next := v
			if swapped {
				next = in.Value
			}
			return output == nil || output.(RegisterOutput).Ok == swapped, next
		}
		return false, v
	},
	Hash: func(state interface{}) uint64 { return uint64(state.(int)) },
	DescribeOperation: func(input, output interface{}) string {
		in := input.(RegisterInput)
		switch in.Op {
		case RegisterRead:
			if output == nil {
				return "read() -> ? (no reply)"
			}
			return fmt.Sprintf("read() -> %d", output.(RegisterOutput).Value)
		case RegisterWrite:
			return fmt.Sprintf("write(%d)", in.Value)
		case RegisterCAS:
			res := "? (no reply)"
			if output != nil {
				res = "failed"
				if output.(RegisterOutput).Ok {
					res = "ok"
				}
			}
			return fmt.Sprintf("cas(expect %d, set %d) -> %s", in.Expect, in.Value, res)
		}
		return fmt.Sprintf("unknown register op %d", in.Op)
	},
	DescribeState: func(state interface{}) string { return fmt.Sprintf("%d", state.(int)) },
}
