package models

import (
	"encoding/json"
	"fmt"
	"math"

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

func init() {
	register(Named{
		Name: RegisterModelName,
		Summary: `one integer register, initially 0: input {"op": "read"|"write"|"cas", "value": V, "expect": E}
	(cas sets V if the register holds E), output {"value": V} for a read, {"ok": B} for a cas, {} for a write`,
		Model:  RegisterModel,
		Decode: registerDecoder(false),
	})
	register(Named{
		Name:    EtcdModelName,
		Summary: `the register of the Jepsen etcd tests: as register, but initially absent; a read of it returns {"value": null}`,
		Model:   etcdModel(),
		Decode:  registerDecoder(true),
	})
}

// absent is the etcd register's value before the first write: a Jepsen read
// of nil. No test writes it.
const absent = math.MinInt

// etcdModel is RegisterModel starting absent rather than 0, for the
// Jepsen etcd logs, where a read of a key never written returns nil.
func etcdModel() porcupine.Model {
	m := RegisterModel
	m.Init = func() any { return absent }
	describeState, describeOp := m.DescribeState, m.DescribeOperation
	m.DescribeState = func(s any) string {
		if s.(int) == absent {
			return "nil"
		}
		return describeState(s)
	}
	m.DescribeOperation = func(in, out any) string {
		if o, ok := out.(RegisterOutput); ok && in.(RegisterInput).Op == RegisterRead && o.Value == absent {
			return "read() -> nil"
		}
		return describeOp(in, out)
	}
	return m
}

// registerDecoder reads {"op": "read"|"write"|"cas", "value": V, "expect": E}
// and {"value": V, "ok": B}; a null value read is absent (etcd only).
func registerDecoder(allowAbsent bool) porcupine.Decoder {
	return func(input, output json.RawMessage) (any, any, error) {
		var in struct {
			Op     json.RawMessage
			Value  int
			Expect int
		}
		if err := decodeStrict(input, &in); err != nil {
			return nil, nil, fmt.Errorf("input %s: %w", input, err)
		}
		op, err := opCode(in.Op, []string{"read", "write", "cas"})
		if err != nil {
			return nil, nil, fmt.Errorf("input %s: %w", input, err)
		}
		rin := RegisterInput{Op: op, Value: in.Value, Expect: in.Expect}
		if output == nil {
			return rin, nil, nil
		}
		var out struct {
			Value *int
			Ok    *bool
		}
		if err := decodeStrict(output, &out); err != nil {
			return nil, nil, fmt.Errorf("output %s: %w", output, err)
		}
		rout := RegisterOutput{}
		switch {
		case op == RegisterRead && out.Value == nil && !allowAbsent:
			return nil, nil, fmt.Errorf(`output %s: a read needs "value" (null, a read of a register never written, needs -model etcd)`, output)
		case op == RegisterRead && out.Value == nil:
			rout.Value = absent
		case op == RegisterRead:
			rout.Value = *out.Value
		case op == RegisterCAS && out.Ok == nil:
			return nil, nil, fmt.Errorf(`output %s: a cas needs "ok": true or false`, output)
		case op == RegisterCAS:
			rout.Ok = *out.Ok
		}
		return rin, rout, nil
	}
}
