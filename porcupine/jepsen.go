package porcupine

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jepsenExample is quoted in errors to show what a line should look like.
const jepsenExample = "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]"

// parseJepsen reads a Jepsen etcd log: one event per line, "PROCESS TYPE F
// VALUE" after an optional "... jepsen.util - " logger prefix, fields
// separated by tabs or spaces. See ReadHistory for the mapping.
func parseJepsen(file string, data []byte) (*History, error) {
	return parseLines(file, "etcd", data, func(lineNo int, line string) (importedEvent, bool, error) {
		start := 0
		if i := strings.Index(line, "jepsen.util - "); i >= 0 {
			start = i + len("jepsen.util - ")
		} else if strings.Contains(line, "jepsen.") {
			return importedEvent{}, false, nil // another logger's line
		}
		e, err := parseJepsenEvent(file, lineNo, line, start)
		return e, err == nil, err
	})
}

// field is one whitespace-separated field of a line and its byte offset.
type field struct {
	text string
	at   int
}

// nextField returns the field of line starting at or after byte i, and the
// offset after it.
func nextField(line string, i int) (field, int) {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	j := i
	for j < len(line) && line[j] != ' ' && line[j] != '\t' {
		j++
	}
	return field{line[i:j], i}, j
}

func column(line string, at int) int { return utf8.RuneCountInString(line[:at]) + 1 }

func parseJepsenEvent(file string, lineNo int, line string, start int) (importedEvent, error) {
	fail := func(at int, format string, args ...any) (importedEvent, error) {
		err := &ParseError{File: file, Line: lineNo, Column: column(line, at)}
		err.Msg = fmt.Sprintf(format, args...) + "; a line looks like " + strconv.Quote(jepsenExample)
		return importedEvent{}, err
	}
	proc, i := nextField(line, start)
	kind, i := nextField(line, i)
	f, i := nextField(line, i)
	value := strings.TrimSpace(line[i:])
	valueAt := i
	for valueAt < len(line) && (line[valueAt] == ' ' || line[valueAt] == '\t') {
		valueAt++
	}
	e := importedEvent{line: lineNo, col: column(line, kind.at)}
	if proc.text == ":nemesis" {
		e.process = -1
	} else {
		p, err := strconv.Atoi(proc.text)
		if err != nil || p < 0 {
			return fail(proc.at, "expected a process number or :nemesis, found %q", proc.text)
		}
		e.process = p
	}
	switch kind.text {
	case ":invoke", ":ok", ":fail", ":info":
		e.kind = kind.text[1:]
	default:
		return fail(kind.at, "expected the event type :invoke, :ok, :fail or :info, found %q", kind.text)
	}
	if len(f.text) < 2 || f.text[0] != ':' {
		return fail(f.at, "expected an operation keyword such as :read, found %q", f.text)
	}
	e.f = f.text[1:]
	if e.process < 0 {
		e.text = value
		return e, nil
	}
	switch e.f {
	case "read":
		e.input = obj{{"op", "read"}}
		if e.kind == "ok" {
			v, ok := jepsenInt(value)
			if !ok {
				return fail(valueAt, "expected the value read (an integer or nil), found %q", value)
			}
			e.output = obj{{"value", v}}
		}
	case "write":
		if e.kind == "invoke" || e.kind == "ok" {
			v, ok := jepsenInt(value)
			if !ok || v == nil {
				return fail(valueAt, "expected the integer written, found %q", value)
			}
			e.input = obj{{"op", "write"}, {"value", v}}
		}
		e.output = obj{}
	case "cas":
		if e.kind == "invoke" || e.kind == "ok" {
			from, to, ok := jepsenPair(value)
			if !ok {
				return fail(valueAt, "expected [FROM TO], two integers in brackets, found %q", value)
			}
			e.input = obj{{"op", "cas"}, {"expect", from}, {"value", to}}
		}
		e.output = obj{{"ok", true}}
	default:
		return fail(f.at, "expected :read, :write or :cas (a register), found %q", f.text)
	}
	return e, nil
}

// jepsenInt parses an integer (returned as int64) or nil (returned as nil).
func jepsenInt(s string) (any, bool) {
	if s == "nil" {
		return nil, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, false
	}
	return v, true
}

func jepsenPair(s string) (from, to int64, ok bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return 0, 0, false
	}
	parts := strings.Fields(strings.ReplaceAll(s[1:len(s)-1], ",", " "))
	if len(parts) != 2 {
		return 0, 0, false
	}
	a, err1 := strconv.ParseInt(parts[0], 10, 64)
	b, err2 := strconv.ParseInt(parts[1], 10, 64)
	return a, b, err1 == nil && err2 == nil
}
