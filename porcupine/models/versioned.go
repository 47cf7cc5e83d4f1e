package models

import (
	"encoding/json"
	"fmt"
	"hash/maphash"

	"distlab/porcupine"
)

// The operations of VersionedKvModel, in VersionedInput.Op.
const (
	VersionedGet uint8 = 0
	VersionedPut uint8 = 1
)

// The errors of a versioned key/value store, in VersionedOutput.Err.
const (
	OK         = "OK"
	ErrNoKey   = "ErrNoKey"   // get of a key never put; put with Version > 0 of such a key
	ErrVersion = "ErrVersion" // put whose Version is not the key's current version
	ErrMaybe   = "ErrMaybe"   // a retried put: it may or may not have taken effect
)

// VersionedInput is the input of one versioned operation: a get of Key, or a
// put of Value to Key if Key's version is Version (0 for a key that does not
// exist yet, which creates it).
type VersionedInput struct {
	Op      uint8
	Key     string
	Value   string
	Version uint64
}

// VersionedOutput is the output of one versioned operation: for a get, the
// Value and Version found (or Err ErrNoKey); for a put, Err alone (OK,
// ErrNoKey, ErrVersion or ErrMaybe).
type VersionedOutput struct {
	Value   string
	Version uint64
	Err     string
}

// versioned is one key's state: its value and version (0: no such key).
type versioned struct {
	Value   string
	Version uint64
}

// VersionedKvModel is the key/value store with versioned puts of the newer
// kv labs: Get(key) returns the value and its version; Put(key, value,
// version) succeeds, and increments the version, only if version is the
// key's current one. A put answered ErrMaybe may or may not have taken
// effect, so the model is nondeterministic; its state is the set of possible
// (value, version) pairs of one key (the history is partitioned by key).
// Operations are VersionedInput / VersionedOutput values; a pending
// operation's output is nil.
var VersionedKvModel = (&porcupine.NondeterministicModel{
	Partition:      partitionByKey(func(in interface{}) string { return in.(VersionedInput).Key }),
	PartitionEvent: partitionEventsByKey(func(in interface{}) string { return in.(VersionedInput).Key }),
	Init:           func() []interface{} { return []interface{}{versioned{}} },
	Step:           versionedStep,
	Hash: func(state interface{}) uint64 {
		s := state.(versioned)
		return maphash.String(hashSeed, s.Value) ^ s.Version*0x9e3779b97f4a7c15
	},
	DescribeOperation: describeVersioned,
	DescribeState: func(state interface{}) string {
		s := state.(versioned)
		if s.Version == 0 {
			return "no key"
		}
		return fmt.Sprintf("%q (version %d)", s.Value, s.Version)
	},
}).ToModel()

func versionedStep(state, input, output interface{}) []interface{} {
	s, in := state.(versioned), input.(VersionedInput)
	switch in.Op {
	case VersionedGet:
		if output == nil {
			return []interface{}{s}
		}
		out := output.(VersionedOutput)
		if s.Version == 0 {
			if out.Err == ErrNoKey {
				return []interface{}{s}
			}
			return nil
		}
		if out.Err == OK && out.Value == s.Value && out.Version == s.Version {
			return []interface{}{s}
		}
		return nil
	case VersionedPut:
		matches := in.Version == s.Version
		applied := versioned{Value: in.Value, Version: s.Version + 1}
		if output == nil { // pending: if it took effect, it did what the state says
			if matches {
				return []interface{}{applied}
			}
			return []interface{}{s}
		}
		switch out := output.(VersionedOutput); out.Err {
		case OK:
			if matches {
				return []interface{}{applied}
			}
		case ErrMaybe:
			if matches {
				return []interface{}{applied, s}
			}
			return []interface{}{s}
		case ErrVersion:
			if !matches && s.Version != 0 {
				return []interface{}{s}
			}
		case ErrNoKey:
			if !matches && s.Version == 0 {
				return []interface{}{s}
			}
		}
	}
	return nil
}

func describeVersioned(input, output interface{}) string {
	in := input.(VersionedInput)
	if in.Op == VersionedGet {
		if output == nil {
			return fmt.Sprintf("get(%q) -> ? (no reply)", in.Key)
		}
		out := output.(VersionedOutput)
		if out.Err != OK {
			return fmt.Sprintf("get(%q) -> %s", in.Key, out.Err)
		}
		return fmt.Sprintf("get(%q) -> %q (version %d)", in.Key, out.Value, out.Version)
	}
	res := "? (no reply)"
	if output != nil {
		res = output.(VersionedOutput).Err
	}
	return fmt.Sprintf("put(%q, %q, version %d) -> %s", in.Key, in.Value, in.Version, res)
}

func init() {
	register(Named{
		Name:    VersionedKvModelName,
		Aliases: []string{"versioned"},
		Summary: `key/value store with versioned puts, partitioned by key: input {"op": "get"|"put", "key": K, "value": V,
	"version": N}, output {"value": V, "version": N, "err": "OK"|"ErrNoKey"|"ErrVersion"|"ErrMaybe"}`,
		Model: VersionedKvModel,
		Decode: func(input, output json.RawMessage) (any, any, error) {
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
			vin := VersionedInput{Op: op, Key: in.Key, Value: in.Value, Version: in.Version}
			if output == nil {
				return vin, nil, nil
			}
			var out VersionedOutput
			if err := decodeStrict(output, &out); err != nil {
				return nil, nil, fmt.Errorf("output %s: %w", output, err)
			}
			switch out.Err {
			case OK, ErrNoKey, ErrVersion, ErrMaybe:
			default:
				return nil, nil, fmt.Errorf(`output %s: "err" is %q; expected OK, ErrNoKey, ErrVersion or ErrMaybe`, output, out.Err)
			}
			return vin, out, nil
		},
	})
}
