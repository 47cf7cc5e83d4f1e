package models

import (
	"encoding/json"
	"fmt"
	"hash/maphash"

	"distlab/porcupine"
)

// The operations of KvModel, in KvInput.Op.
const (
	OpGet    uint8 = 0
	OpPut    uint8 = 1
	OpAppend uint8 = 2
	// OpAppendOld appends like OpAppend and returns the value the key held
	// before (the classic labs' op code 3).
	OpAppendOld uint8 = 3
)

// KvInput is the input of one key/value operation: Op is OpGet, OpPut,
// OpAppend or OpAppendOld; Value is the value put or appended (unused by a
// get).
type KvInput struct {
	Op    uint8
	Key   string
	Value string
}

// KvOutput is the output of one key/value operation: the value a get
// returned, or the value the key held before an OpAppendOld (put and append
// return nothing; their output is ignored).
type KvOutput struct {
	Value string
}

// KvModel is the key/value store of the kv labs: Get(key) returns the key's
// value ("" if never written), Put(key, value) replaces it and
// Append(key, value) appends to it (OpAppendOld also returns the value
// before the append). Operations are KvInput / KvOutput values
// (a pending operation's output is nil: a pending get returns anything).
//
// The history is partitioned by key, so a state is one key's value, a string.
//
// Each key is checked with its unobservable values merged (see
// kv_specialize.go), so concurrent appends that no get observes before a put
// overwrites them are not ordered.
var KvModel = porcupine.Model{
	Partition:      partitionByKey(func(in interface{}) string { return in.(KvInput).Key }),
	PartitionEvent: partitionEventsByKey(func(in interface{}) string { return in.(KvInput).Key }),
	Init:           func() interface{} { return "" },
	Step:           kvStep,
	Equal:          func(a, b interface{}) bool { return a.(string) == b.(string) },
	Hash:           func(state interface{}) uint64 { return maphash.String(hashSeed, state.(string)) },
	DescribeOperation: func(input, output interface{}) string {
		in := input.(KvInput)
		switch in.Op {
		case OpGet:
			if output == nil {
				return fmt.Sprintf("get(%q) -> ? (no reply)", in.Key)
			}
			return fmt.Sprintf("get(%q) -> %q", in.Key, output.(KvOutput).Value)
		case OpPut:
			return fmt.Sprintf("put(%q, %q)", in.Key, in.Value)
		case OpAppend:
			return fmt.Sprintf("append(%q, %q)", in.Key, in.Value)
		case OpAppendOld:
			if output == nil {
				return fmt.Sprintf("append(%q, %q) -> ? (no reply)", in.Key, in.Value)
			}
			return fmt.Sprintf("append(%q, %q) -> %q", in.Key, in.Value, output.(KvOutput).Value)
		}
		return fmt.Sprintf("unknown op %d on %q", in.Op, in.Key)
	},
	DescribeState: func(state interface{}) string { return fmt.Sprintf("%q", state.(string)) },
	Specialize:    kvSpecialize,
}

// kvStep is KvModel.Step.
func kvStep(state, input, output interface{}) (bool, interface{}) {
	in, value := input.(KvInput), state.(string)
	switch in.Op {
	case OpGet:
		if output == nil {
			return true, value
		}
		return output.(KvOutput).Value == value, value
	case OpPut:
		return true, in.Value
	case OpAppend:
		return true, value + in.Value
	case OpAppendOld:
		return output == nil || output.(KvOutput).Value == value, value + in.Value
	}
	return false, value
}

func init() {
	register(Named{
		Name: KvModelName,
		Summary: `key/value store, partitioned by key: input {"op": "get"|"put"|"append"|"append-old", "key": K, "value": V},
	output {"value": V} for a get or an append-old (the value before it), {} otherwise`,
		Model:  KvModel,
		Decode: decodeKv,
	})
}

// decodeKv reads {"op": "get"|"put"|"append"|"append-old" (or 0-3), "key":
// K, "value": V} and {"value": V}.
func decodeKv(input, output json.RawMessage) (any, any, error) {
	var in struct {
		Op    json.RawMessage
		Key   string
		Value string
	}
	if err := decodeStrict(input, &in); err != nil {
		return nil, nil, fmt.Errorf("input %s: %w", input, err)
	}
	op, err := opCode(in.Op, []string{"get", "put", "append", "append-old"})
	if err != nil {
		return nil, nil, fmt.Errorf("input %s: %w", input, err)
	}
	kin := KvInput{Op: op, Key: in.Key, Value: in.Value}
	if output == nil {
		return kin, nil, nil
	}
	var out KvOutput
	if err := decodeStrict(output, &out); err != nil {
		return nil, nil, fmt.Errorf("output %s: %w", output, err)
	}
	return kin, out, nil
}

// hashSeed seeds the models' state hashes; hashes only need to be consistent
// within one process.
var hashSeed = maphash.MakeSeed()
