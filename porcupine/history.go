package porcupine

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// HistoryVersion is the version of the JSON history format that
// WriteHistory writes and ReadHistory accepts.
const HistoryVersion = 1

// A History is a recorded history as stored in a history file: the
// operations clients observed, in a model-neutral form (inputs and outputs
// are JSON values), plus the faults that happened meanwhile.
//
// The JSON history format (version 1) is one object:
//
//	{
//	  "version": 1,
//	  "model": "kv",
//	  "time_unit": "ns",
//	  "metadata": {"test": "TestBasic", "seed": 42},
//	  "operations": [
//	    {"client": 0, "call": 0, "return": 10,
//	     "input": {"op": "put", "key": "x", "value": "1"}, "output": {}},
//	    {"client": 1, "call": 5,
//	     "input": {"op": "append", "key": "x", "value": "2"}}
//	  ],
//	  "annotations": [
//	    {"tag": "network", "start": 4, "end": 9, "description": "partition {0} {1 2}"},
//	    {"client": 1, "start": 7, "description": "client 1 crashed"}
//	  ]
//	}
//
// "version" is required and must be 1. "model" names the model to check
// against (see the distlab check command) and may be empty. "time_unit" is
// optional and says what the times are in: "ns", "us", "ms" or "s"; without
// it they are integers of unknown unit, and a visualisation shows them as
// such (with it, as durations: see LinearizationInfo.SetTimeUnit and
// History.Unit). "metadata" is any JSON value, kept as is. Each operation has a "client" (a non-negative
// integer; one lane per client in the visualisation), "call" and "return"
// times (integers in any unit, typically nanoseconds, with call <= return),
// and "input" and "output" JSON values whose shape the model defines. An
// operation without "return" is pending: the client never learnt its outcome
// (it crashed or gave up), so it may have taken effect at any time after its
// call, or never; a pending operation has no "output". An optional
// "metadata" value per operation is kept as is.
//
// An annotation marks something that happened during the run on the same
// time axis: on a client's lane ("client") or, when "tag" is set, on a lane
// of its own named by the tag. Without "end" (or with end < start) it is a
// point in time. "description" is its short label, "details" longer text
// shown on hover; "text_color" and "background_color" are optional CSS
// colours.
type History struct {
	Version     int                 `json:"version"`
	Model       string              `json:"model,omitempty"`
	TimeUnit    string              `json:"time_unit,omitempty"`
	Metadata    json.RawMessage     `json:"metadata,omitempty"`
	Operations  []HistoryOperation  `json:"operations"`
	Annotations []HistoryAnnotation `json:"annotations,omitempty"`
}

// A HistoryOperation is one operation of a History. Return is nil for a
// pending operation.
type HistoryOperation struct {
	Client   int             `json:"client"`
	Call     int64           `json:"call"`
	Return   *int64          `json:"return,omitempty"`
	Input    json.RawMessage `json:"input"`
	Output   json.RawMessage `json:"output,omitempty"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// Pending reports whether the operation has no return: its client never
// learnt whether or when it took effect.
func (op HistoryOperation) Pending() bool { return op.Return == nil }

// A HistoryAnnotation is one annotation of a History; see History for the
// meaning of its fields. End is nil for a point in time.
type HistoryAnnotation struct {
	Client          int    `json:"client,omitempty"`
	Tag             string `json:"tag,omitempty"`
	Start           int64  `json:"start"`
	End             *int64 `json:"end,omitempty"`
	Description     string `json:"description"`
	Details         string `json:"details,omitempty"`
	TextColor       string `json:"text_color,omitempty"`
	BackgroundColor string `json:"background_color,omitempty"`
}

// timeUnits are the values of "time_unit", in the order the errors list them.
var timeUnits = []struct {
	name string
	unit time.Duration
}{{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}}

// Unit returns how long one unit of h's times is as TimeUnit names it
// ("ns", "us", "ms" or "s"), ready for LinearizationInfo.SetTimeUnit; 0 when
// TimeUnit is empty (the unit is unknown) or not one of those (Validate
// refuses it).
func (h *History) Unit() time.Duration {
	for _, u := range timeUnits {
		if u.name == h.TimeUnit {
			return u.unit
		}
	}
	return 0
}

func validateTimeUnit(name string) error {
	if name == "" {
		return nil
	}
	var names []string
	for _, u := range timeUnits {
		if u.name == name {
			return nil
		}
		names = append(names, fmt.Sprintf("%q", u.name))
	}
	return fmt.Errorf(`time_unit is %q; expected one of %s (or no "time_unit" for integers of unknown unit)`, name, strings.Join(names, ", "))
}

// Validate checks the rules of the format that JSON syntax cannot express:
// the version, the time unit, non-negative clients, call <= return, an input on every
// operation and no output on a pending one. The error names the offending
// operation by its index.
func (h *History) Validate() error {
	if h.Version != HistoryVersion {
		return fmt.Errorf("history version is %d; this reader understands version %d", h.Version, HistoryVersion)
	}
	if err := validateTimeUnit(h.TimeUnit); err != nil {
		return err
	}
	for i := range h.Operations {
		if err := h.Operations[i].validate(); err != nil {
			return fmt.Errorf("operation %d: %w", i, err)
		}
	}
	for i := range h.Annotations {
		if err := h.Annotations[i].validate(); err != nil {
			return fmt.Errorf("annotation %d: %w", i, err)
		}
	}
	return nil
}

func (op *HistoryOperation) validate() error {
	if op.Client < 0 {
		return fmt.Errorf("client is %d; expected a non-negative integer", op.Client)
	}
	if len(op.Input) == 0 {
		return fmt.Errorf(`missing "input"; every operation needs one (use {} when there is nothing to say)`)
	}
	if op.Return == nil {
		if len(op.Output) != 0 && string(op.Output) != "null" {
			return fmt.Errorf(`a pending operation (no "return") cannot have an "output"`)
		}
		return nil
	}
	if *op.Return < op.Call {
		return fmt.Errorf("return time %d is before call time %d", *op.Return, op.Call)
	}
	return nil
}

func (a *HistoryAnnotation) validate() error {
	if a.Client < 0 {
		return fmt.Errorf("client is %d; expected a non-negative integer", a.Client)
	}
	return nil
}
