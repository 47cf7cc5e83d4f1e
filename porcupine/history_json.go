package porcupine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// parseJSONHistory reads the JSON history format (see History). Errors carry
// the line and column of the culprit.
func parseJSONHistory(file string, data []byte) (*History, error) {
	// Check the syntax of the whole input first: json.Unmarshal reports
	// syntax errors at an offset from the start of its input, which a
	// streaming decoder does not guarantee.
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the bytes read, the culprit included.
			at := se.Offset
			if at > 0 && at < int64(len(data)) {
				at--
			}
			return nil, errorAt(file, data, at, err, "malformed JSON: %s", se.Error())
		}
		return nil, errorAt(file, data, int64(len(data)), err, "malformed JSON: %v", err)
	}
	p := jsonParser{file: file, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	return p.history()
}

type jsonParser struct {
	file string
	data []byte
	dec  *json.Decoder
}

// valueStart is the offset of the next value: the decoder's offset with the
// separators before it skipped.
func (p *jsonParser) valueStart() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (p *jsonParser) errorf(offset int64, err error, format string, args ...any) error {
	return errorAt(p.file, p.data, offset, err, format, args...)
}

// decode decodes the next value into v, rejecting unknown object fields.
func (p *jsonParser) decode(what string, v any) (start int64, err error) {
	start = p.valueStart()
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		return start, p.errorf(start, err, "reading %s: %v", what, err)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			if field == "" {
				field = what
			}
			return start, p.errorf(start, err, "%s: %q is a JSON %s; expected %s", what, field, te.Value, jsonTypeName(te.Type.Kind().String()))
		}
		return start, p.errorf(start, err, "%s: %v", what, err)
	}
	return start, nil
}

func jsonTypeName(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		return "an integer"
	case "string":
		return "a string"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	}
	return "a " + kind
}

func (p *jsonParser) expectDelim(want json.Delim, what string) error {
	start := p.valueStart()
	tok, err := p.dec.Token()
	if err != nil {
		return p.errorf(start, err, "expected %s: %v", what, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return p.errorf(start, nil, "expected %s, found %v", what, describeToken(tok))
	}
	return nil
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", string(t))
	case string:
		return fmt.Sprintf("the string %q", t)
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%v", t)
	}
}

func (p *jsonParser) history() (*History, error) {
	h := &History{}
	if err := p.expectDelim('{', `a JSON object {"version": 1, "operations": [...]}`); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for p.dec.More() {
		keyStart := p.valueStart()
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.errorf(keyStart, err, "reading a field name: %v", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, p.errorf(keyStart, nil, "field %q appears twice", key)
		}
		seen[key] = true
		switch key {
		case "version":
			start, err := p.decode("version", &h.Version)
			if err != nil {
				return nil, err
			}
			if h.Version != HistoryVersion {
				return nil, p.errorf(start, nil, "history version is %d; this reader understands version %d", h.Version, HistoryVersion)
			}
		case "model":
			if _, err := p.decode("model", &h.Model); err != nil {
				return nil, err
			}
		case "time_unit":
			start, err := p.decode("time_unit", &h.TimeUnit)
			if err != nil {
				return nil, err
			}
			if err := validateTimeUnit(h.TimeUnit); err != nil {
				return nil, p.errorf(start, err, "%v", err)
			}
		case "metadata":
			if _, err := p.decode("metadata", &h.Metadata); err != nil {
				return nil, err
			}
		case "operations":
			if err := p.operations(h); err != nil {
				return nil, err
			}
		case "annotations":
			if err := p.annotations(h); err != nil {
				return nil, err
			}
		default:
			return nil, p.errorf(keyStart, nil, "unknown field %q; expected version, model, time_unit, metadata, operations or annotations", key)
		}
	}
	if err := p.expectDelim('}', `"}" closing the history object`); err != nil {
		return nil, err
	}
	if start := p.valueStart(); start < int64(len(p.data)) {
		return nil, p.errorf(start, nil, "unexpected data after the history object")
	}
	if !seen["version"] {
		return nil, &ParseError{File: p.file, Msg: fmt.Sprintf(`missing "version": expected "version": %d`, HistoryVersion)}
	}
	if !seen["operations"] {
		return nil, &ParseError{File: p.file, Msg: `missing "operations": expected "operations": [...] (an empty list is fine)`}
	}
	if h.Operations == nil {
		h.Operations = []HistoryOperation{}
	}
	return h, nil
}

func (p *jsonParser) operations(h *History) error {
	if err := p.expectDelim('[', `"operations" to be a list [...]`); err != nil {
		return err
	}
	for i := 0; p.dec.More(); i++ {
		what := fmt.Sprintf("operation %d", i)
		var op HistoryOperation
		start, err := p.decode(what, &op)
		if err != nil {
			return err
		}
		if err := op.validate(); err != nil {
			return p.errorf(start, err, "%s: %v", what, err)
		}
		h.Operations = append(h.Operations, op)
	}
	return p.expectDelim(']', `"]" closing the operations`)
}

func (p *jsonParser) annotations(h *History) error {
	if err := p.expectDelim('[', `"annotations" to be a list [...]`); err != nil {
		return err
	}
	for i := 0; p.dec.More(); i++ {
		what := fmt.Sprintf("annotation %d", i)
		var a HistoryAnnotation
		start, err := p.decode(what, &a)
		if err != nil {
			return err
		}
		if err := a.validate(); err != nil {
			return p.errorf(start, err, "%s: %v", what, err)
		}
		h.Annotations = append(h.Annotations, a)
	}
	return p.expectDelim(']', `"]" closing the annotations`)
}

// WriteHistory writes h in the JSON history format, one operation and one
// annotation per line, so that files diff well. It refuses a history that
// ReadHistory would refuse.
func WriteHistory(w io.Writer, h *History) error {
	if err := h.Validate(); err != nil {
		return fmt.Errorf("porcupine: not writing an invalid history: %w", err)
	}
	bw := bufio.NewWriter(w)
	line := func(v any) error {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimRight(buf.Bytes(), "\n"))
		return err
	}
	fmt.Fprintf(bw, "{\n  \"version\": %d,\n", h.Version)
	if h.Model != "" {
		bw.WriteString(`  "model": `)
		if err := line(h.Model); err != nil {
			return err
		}
		bw.WriteString(",\n")
	}
	if h.TimeUnit != "" {
		bw.WriteString(`  "time_unit": `)
		if err := line(h.TimeUnit); err != nil {
			return err
		}
		bw.WriteString(",\n")
	}
	if len(h.Metadata) != 0 {
		bw.WriteString(`  "metadata": `)
		if err := line(h.Metadata); err != nil {
			return fmt.Errorf("porcupine: history metadata: %w", err)
		}
		bw.WriteString(",\n")
	}
	bw.WriteString(`  "operations": [`)
	for i := range h.Operations {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		if err := line(&h.Operations[i]); err != nil {
			return fmt.Errorf("porcupine: operation %d: %w", i, err)
		}
	}
	if len(h.Operations) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]")
	if len(h.Annotations) > 0 {
		bw.WriteString(",\n  \"annotations\": [")
		for i := range h.Annotations {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			if err := line(&h.Annotations[i]); err != nil {
				return fmt.Errorf("porcupine: annotation %d: %w", i, err)
			}
		}
		bw.WriteString("\n  ]")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}
