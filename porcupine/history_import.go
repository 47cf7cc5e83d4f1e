package porcupine

import (
	"encoding/json"
	"fmt"
)

// An importedEvent is one line of a Jepsen-style log (both the Jepsen etcd
// logs and the EDN key/value logs are such logs): a process invokes an
// operation, and later the same process completes it with :ok (it happened,
// with this output), :fail (it did not happen) or :info (unknown).
type importedEvent struct {
	line, col int    // where the event's type is, for errors
	process   int    // -1 for the nemesis
	kind      string // invoke, ok, fail or info
	f         string // the operation's name, e.g. read or append
	input     any    // for an invoke: the JSON input
	output    any    // for an ok: the JSON output
	text      string // for the nemesis: its value, as written
}

// historyBuilder pairs invocations with completions into a History.
type historyBuilder struct {
	file    string
	h       History
	dropped []bool
	open    map[int]int // process → index of its open operation
	openF   map[int]string
	openAt  map[int]int // process → line of its open invocation
	// the nemesis' open :start, as an annotation index, or -1
	nemesisStart int
}

func newHistoryBuilder(file, model string) *historyBuilder {
	return &historyBuilder{
		file:         file,
		h:            History{Version: HistoryVersion, Model: model, Operations: []HistoryOperation{}},
		open:         map[int]int{},
		openF:        map[int]string{},
		openAt:       map[int]int{},
		nemesisStart: -1,
	}
}

// obj is a JSON object whose keys keep their order, so that imported
// inputs read {"op": ..., "key": ..., "value": ...}.
type obj []struct {
	k string
	v any
}

// MarshalJSON encodes the pairs in order.
func (o obj) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, p := range o {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, _ := json.Marshal(p.k)
		v, err := json.Marshal(p.v)
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps of strings, integers and nil reach here.
		panic(fmt.Sprintf("porcupine: encoding an imported value: %v", err))
	}
	return b
}

func (b *historyBuilder) errorf(e importedEvent, format string, args ...any) error {
	return &ParseError{File: b.file, Line: e.line, Column: e.col, Msg: fmt.Sprintf(format, args...)}
}

func (b *historyBuilder) add(e importedEvent) error {
	if e.process < 0 {
		b.nemesis(e)
		return nil
	}
	t := int64(e.line)
	if e.kind == "invoke" {
		if _, busy := b.open[e.process]; busy {
			return b.errorf(e, "process %d invokes :%s while its :%s invoked on line %d has not completed; expected :ok, :fail or :info for it first",
				e.process, e.f, b.openF[e.process], b.openAt[e.process])
		}
		b.open[e.process] = len(b.h.Operations)
		b.openF[e.process] = e.f
		b.openAt[e.process] = e.line
		b.h.Operations = append(b.h.Operations, HistoryOperation{Client: e.process, Call: t, Input: mustJSON(e.input)})
		b.dropped = append(b.dropped, false)
		return nil
	}
	i, ok := b.open[e.process]
	if !ok {
		return b.errorf(e, "process %d completes :%s with :%s but has no open :invoke; expected an :invoke by process %d earlier", e.process, e.f, e.kind, e.process)
	}
	if b.openF[e.process] != e.f {
		return b.errorf(e, "process %d completes :%s but invoked :%s on line %d; expected the same operation", e.process, e.f, b.openF[e.process], b.openAt[e.process])
	}
	delete(b.open, e.process)
	switch e.kind {
	case "ok":
		b.h.Operations[i].Return = &t
		b.h.Operations[i].Output = mustJSON(e.output)
	case "fail":
		b.dropped[i] = true // it did not happen
	case "info":
		// Unknown outcome: pending, it may take effect at any time after its
		// call, or never. The process may go on to invoke more operations.
	}
	return nil
}

// nemesis turns the nemesis' events into annotations: :start ... :stop into
// an interval, anything else into a point. Invocations (value nil) are
// skipped; their completions say what happened.
func (b *historyBuilder) nemesis(e importedEvent) {
	if e.text == "" || e.text == "nil" {
		return
	}
	t := int64(e.line)
	switch e.f {
	case "start":
		if b.nemesisStart >= 0 {
			return
		}
		b.nemesisStart = len(b.h.Annotations)
		b.h.Annotations = append(b.h.Annotations, HistoryAnnotation{Tag: "nemesis", Start: t, End: &t,
			Description: e.text, Details: fmt.Sprintf("nemesis :start %s (line %d)", e.text, e.line)})
	case "stop":
		if b.nemesisStart >= 0 {
			a := &b.h.Annotations[b.nemesisStart]
			a.End = &t
			a.Details += fmt.Sprintf("; :stop %s (line %d)", e.text, e.line)
			b.nemesisStart = -1
			return
		}
		fallthrough
	default:
		b.h.Annotations = append(b.h.Annotations, HistoryAnnotation{Tag: "nemesis", Start: t,
			Description: ":" + e.f + " " + e.text, Details: fmt.Sprintf("nemesis :%s %s (line %d)", e.f, e.text, e.line)})
	}
}

// finish drops the failed operations; open ones stay pending.
func (b *historyBuilder) finish(lastLine int) *History {
	if b.nemesisStart >= 0 {
		t := int64(lastLine)
		b.h.Annotations[b.nemesisStart].End = &t
	}
	ops := b.h.Operations[:0]
	for i, op := range b.h.Operations {
		if !b.dropped[i] {
			ops = append(ops, op)
		}
	}
	b.h.Operations = ops
	return &b.h
}
