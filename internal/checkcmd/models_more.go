package checkcmd

import (
	"encoding/json"
	"fmt"
	"math"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

// absent is the etcd register's value before the first write: a Jepsen read
// of nil. No test writes it.
const absent = math.MinInt

// etcdModel is models.RegisterModel starting absent rather than 0, for the
// Jepsen etcd logs, where a read of a key never written returns nil.
func etcdModel() porcupine.Model {
	m := models.RegisterModel
	m.Init = func() any { return absent }
	describeState, describeOp := m.DescribeState, m.DescribeOperation
	m.DescribeState = func(s any) string {
		if s.(int) == absent {
			return "nil"
		}
		return describeState(s)
	}
	m.DescribeOperation = func(in, out any) string {
		if o, ok := out.(models.RegisterOutput); ok && in.(models.RegisterInput).Op == models.RegisterRead && o.Value == absent {
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
		rin := models.RegisterInput{Op: op, Value: in.Value, Expect: in.Expect}
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
		rout := models.RegisterOutput{}
		switch {
		case op == models.RegisterRead && out.Value == nil && !allowAbsent:
			return nil, nil, fmt.Errorf(`output %s: a read needs "value" (null, a read of a register never written, needs -model etcd)`, output)
		case op == models.RegisterRead && out.Value == nil:
			rout.Value = absent
		case op == models.RegisterRead:
			rout.Value = *out.Value
		case op == models.RegisterCAS && out.Ok == nil:
			return nil, nil, fmt.Errorf(`output %s: a cas needs "ok": true or false`, output)
		case op == models.RegisterCAS:
			rout.Ok = *out.Ok
		}
		return rin, rout, nil
	}
}

func init() {
	addModel(&checkModel{
		name: "register",
		summary: `one integer register, initially 0: input {"op": "read"|"write"|"cas", "value": V, "expect": E}
	(cas sets V if the register holds E), output {"value": V} for a read, {"ok": B} for a cas, {} for a write`,
		model:  models.RegisterModel,
		decode: registerDecoder(false),
	})
	addModel(&checkModel{
		name:    "etcd",
		summary: `the register of the Jepsen etcd tests: as register, but initially absent; a read of it returns {"value": null}`,
		model:   etcdModel(),
		decode:  registerDecoder(true),
	})
	addModel(&checkModel{
		name: "kv-versioned",
		summary: `key/value store with versioned puts, partitioned by key: input {"op": "get"|"put", "key": K, "value": V,
	"version": N}, output {"value": V, "version": N, "err": "OK"|"ErrNoKey"|"ErrVersion"|"ErrMaybe"}`,
		model: models.VersionedKvModel,
		decode: func(input, output json.RawMessage) (any, any, error) {
			var in struct {
				Op      json.RawMessage
				Key     string
				Value   string
				Version uint64
			}
			if err := decodeStrict(input, &in); err != nil {
				return nil, nil, fmt.Errorf("input %s: %w", input, err)
			}
			op, err := opCode(in.Op, []string{"get", "put"})
			if err != nil {
				return nil, nil, fmt.Errorf("input %s: %w", input, err)
			}
			vin := models.VersionedInput{Op: op, Key: in.Key, Value: in.Value, Version: in.Version}
			if output == nil {
				return vin, nil, nil
			}
			var out models.VersionedOutput
			if err := decodeStrict(output, &out); err != nil {
				return nil, nil, fmt.Errorf("output %s: %w", output, err)
			}
			switch out.Err {
			case models.OK, models.ErrNoKey, models.ErrVersion, models.ErrMaybe:
			default:
				return nil, nil, fmt.Errorf(`output %s: "err" is %q; expected OK, ErrNoKey, ErrVersion or ErrMaybe`, output, out.Err)
			}
			return vin, out, nil
		},
	}, "versioned")
	addModel(&checkModel{
		name: "queue",
		summary: `FIFO queue of integers: input {"op": "enqueue"|"dequeue", "value": V},
	output {"value": V} or {"empty": true} for a dequeue, {} for an enqueue`,
		model: models.QueueModel,
		decode: func(input, output json.RawMessage) (any, any, error) {
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
			qin := models.QueueInput{Op: op, Value: in.Value}
			if output == nil {
				return qin, nil, nil
			}
			var out models.QueueOutput
			if err := decodeStrict(output, &out); err != nil {
				return nil, nil, fmt.Errorf("output %s: %w", output, err)
			}
			return qin, out, nil
		},
	})
}
