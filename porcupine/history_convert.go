package porcupine

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// A Decoder turns the JSON input and output of a history file's operation
// into the values a model's Step expects. output is nil for a pending
// operation, and the decoded output should then be nil too.
type Decoder func(input, output json.RawMessage) (in, out any, err error)

// DecodeJSON returns a Decoder that unmarshals inputs into an I and outputs
// into an O with encoding/json, rejecting unknown fields, and yields them as
// values (not pointers). A pending operation's output is nil.
func DecodeJSON[I, O any]() Decoder {
	return func(input, output json.RawMessage) (any, any, error) {
		var in I
		if err := unmarshalStrict(input, &in); err != nil {
			return nil, nil, fmt.Errorf("input %s: %w", abbreviate(string(input), 80), err)
		}
		if output == nil {
			return in, nil, nil
		}
		var out O
		if err := unmarshalStrict(output, &out); err != nil {
			return nil, nil, fmt.Errorf("output %s: %w", abbreviate(string(output), 80), err)
		}
		return in, out, nil
	}
}

func unmarshalStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("unexpected data after the value")
	}
	return nil
}

// ToOperations converts h's operations into Operations for a check, decoding
// inputs and outputs with decode. A pending operation gets Return NoReturn
// and a nil output. Operation metadata, if any, becomes the Metadata string.
// An error names the operation that could not be decoded.
func (h *History) ToOperations(decode Decoder) ([]Operation, error) {
	ops := make([]Operation, 0, len(h.Operations))
	for i, hop := range h.Operations {
		if err := hop.validate(); err != nil {
			return nil, fmt.Errorf("operation %d: %w", i, err)
		}
		var output json.RawMessage
		if !hop.Pending() {
			output = hop.Output
			if len(output) == 0 {
				output = json.RawMessage("null")
			}
		}
		in, out, err := decode(hop.Input, output)
		if err != nil {
			return nil, fmt.Errorf("operation %d (client %d, call %d): %w", i, hop.Client, hop.Call, err)
		}
		op := Operation{ClientId: hop.Client, Input: in, Call: hop.Call, Output: out, Return: NoReturn}
		if !hop.Pending() {
			op.Return = *hop.Return
		}
		if len(hop.Metadata) != 0 {
			op.Metadata = string(hop.Metadata)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// ToAnnotations converts h's annotations for LinearizationInfo.AddAnnotations.
func (h *History) ToAnnotations() []Annotation {
	out := make([]Annotation, 0, len(h.Annotations))
	for _, a := range h.Annotations {
		end := a.Start
		if a.End != nil {
			end = *a.End
		}
		out = append(out, Annotation{ClientId: a.Client, Tag: a.Tag, Start: a.Start, End: end,
			Description: a.Description, Details: a.Details, TextColor: a.TextColor, BackgroundColor: a.BackgroundColor})
	}
	return out
}

// NewHistory builds a History for a history file from a checked or
// recorded history: inputs and outputs are encoded with encoding/json (so
// their exported fields are what is stored), pending operations (Return ==
// NoReturn) get no return and no output. Metadata that is a string holding
// JSON is stored as that JSON, other metadata is encoded.
func NewHistory(model string, ops []Operation, annotations []Annotation) (*History, error) {
	h := &History{Version: HistoryVersion, Model: model, Operations: make([]HistoryOperation, 0, len(ops))}
	for i, op := range ops {
		in, err := json.Marshal(op.Input)
		if err != nil {
			return nil, fmt.Errorf("porcupine: operation %d: encoding input %v: %w", i, op.Input, err)
		}
		hop := HistoryOperation{Client: op.ClientId, Call: op.Call, Input: in}
		if !op.Pending() {
			r := max(op.Return, op.Call)
			hop.Return = &r
			if hop.Output, err = json.Marshal(op.Output); err != nil {
				return nil, fmt.Errorf("porcupine: operation %d: encoding output %v: %w", i, op.Output, err)
			}
		}
		if op.Metadata != nil {
			if s, ok := op.Metadata.(string); ok && json.Valid([]byte(s)) {
				hop.Metadata = json.RawMessage(s)
			} else if hop.Metadata, err = json.Marshal(op.Metadata); err != nil {
				return nil, fmt.Errorf("porcupine: operation %d: encoding metadata: %w", i, err)
			}
		}
		h.Operations = append(h.Operations, hop)
	}
	for _, a := range annotations {
		ha := HistoryAnnotation{Client: a.ClientId, Tag: a.Tag, Start: a.Start, Description: a.Description,
			Details: a.Details, TextColor: a.TextColor, BackgroundColor: a.BackgroundColor}
		if a.End > a.Start {
			end := a.End
			ha.End = &end
		}
		h.Annotations = append(h.Annotations, ha)
	}
	if err := h.Validate(); err != nil {
		return nil, fmt.Errorf("porcupine: %w", err)
	}
	return h, nil
}
