package models

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"distlab/porcupine"
)

// A Named model is one of this package's models with the name that history
// files (their "model" field) and tools call it by, and the decoder that
// reads its operations' inputs and outputs from a history file's JSON (as
// porcupine's History.ToOperations takes it). Each model's file adds its
// entry beside the model; "distlab check" offers every entry of All.
type Named struct {
	Name    string            // e.g. "kv"
	Aliases []string          // other names it answers to
	Summary string            // the JSON of its inputs and outputs, for usage texts
	Model   porcupine.Model   // the sequential specification
	Decode  porcupine.Decoder // JSON input and output to the model's types, with errors that name the culprit
}

// The models' names in history files (a history's "model" field) and in
// the catalog.
const (
	KvModelName          = "kv"
	VersionedKvModelName = "kv-versioned"
	RegisterModelName    = "register"
	EtcdModelName        = "etcd" // RegisterModel initially absent, for the Jepsen etcd logs
	QueueModelName       = "queue"
)

// catalog holds the named models; each file adds its own in an init
// function, and nothing changes it afterwards.
var catalog []Named

func register(n Named) { catalog = append(catalog, n) }

// All returns the named models, sorted by name.
func All() []Named {
	all := slices.Clone(catalog)
	slices.SortFunc(all, func(a, b Named) int { return strings.Compare(a.Name, b.Name) })
	return all
}

// Lookup returns the model called name (its name or one of its aliases),
// and whether there is one.
func Lookup(name string) (Named, bool) {
	for _, n := range catalog {
		if n.Name == name || slices.Contains(n.Aliases, name) {
			return n, true
		}
	}
	return Named{}, false
}

// decodeStrict unmarshals data into v, rejecting unknown fields. Field names
// match case-insensitively (encoding/json's rule), so both {"op": ...} and
// the models' own {"Op": ...} are read.
func decodeStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// opCode reads an operation's name ("get") or number (0) from raw; names[i]
// is the name of op code i.
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
