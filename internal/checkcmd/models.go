package checkcmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

// A checkModel is a model the command can check against, with the decoder
// that turns a history file's JSON inputs and outputs into its types.
type checkModel struct {
	name    string
	summary string // one line for the usage text: the JSON shapes
	model   porcupine.Model
	decode  porcupine.Decoder
}

var checkModels = map[string]*checkModel{}

func addModel(m *checkModel, aliases ...string) {
	checkModels[m.name] = m
	for _, a := range aliases {
		checkModels[a] = m
	}
}

// modelNames lists the models (aliases included) for messages.
func modelNames() string {
	names := make([]string, 0, len(checkModels))
	for n := range checkModels {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// decodeStrict unmarshals data into v, rejecting unknown fields. Field names
// match case-insensitively (encoding/json's rule), so both {"op": ...} and
// the models' own {"Op": ...} are read.
func decodeStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// opCode reads an operation name ("get") or its number (0) from raw.
func opCode(raw json.RawMessage, names []string) (uint8, error) {
	if raw == nil {
		return 0, fmt.Errorf(`missing "op"; expected one of %s`, strings.Join(names, ", "))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		for i, n := range names {
			if strings.EqualFold(n, s) {
				return uint8(i), nil
			}
		}
		return 0, fmt.Errorf("unknown op %q; expected one of %s", s, strings.Join(names, ", "))
	}
	var n uint8
	if err := json.Unmarshal(raw, &n); err != nil || int(n) >= len(names) {
		return 0, fmt.Errorf("op is %s; expected one of %s (or its number from 0)", raw, strings.Join(names, ", "))
	}
	return n, nil
}

func init() {
	addModel(&checkModel{
		name: "kv",
		summary: `key/value store, partitioned by key: input {"op": "get"|"put"|"append", "key": K, "value": V},
	output {"value": V} for a get, {} otherwise`,
		model: models.KvModel,
		decode: func(input, output json.RawMessage) (any, any, error) {
			var in struct {
				Op    json.RawMessage
				Key   string
				Value string
			}
			if err := decodeStrict(input, &in); err != nil {
				return nil, nil, fmt.Errorf("input %s: %w", input, err)
			}
			op, err := opCode(in.Op, []string{"get", "put", "append"})
			if err != nil {
				return nil, nil, fmt.Errorf("input %s: %w", input, err)
			}
			kin := models.KvInput{Op: op, Key: in.Key, Value: in.Value}
			if output == nil {
				return kin, nil, nil
			}
			var out models.KvOutput
			if err := decodeStrict(output, &out); err != nil {
				return nil, nil, fmt.Errorf("output %s: %w", output, err)
			}
			return kin, out, nil
		},
	})
}
