package porcupine

import (
	"fmt"
	"strconv"
	"strings"
)

// ednExample is quoted in errors to show what a line should look like.
const ednExample = `{:process 0, :type :invoke, :f :get, :key "6", :value nil}`

// parseEDN reads an EDN key/value log: one map per line with :process,
// :type, :f, :key and :value. See ReadHistory for the mapping.
func parseEDN(file string, data []byte) (*History, error) {
	return parseLines(file, "kv", data, func(lineNo int, line string) (importedEvent, bool, error) {
		r := ednReader{file: file, lineNo: lineNo, line: line}
		m, err := r.readLine()
		if err != nil {
			return importedEvent{}, false, err
		}
		e, err := r.event(m)
		return e, err == nil, err
	})
}

// ednKeyword is an EDN keyword without its colon.
type ednKeyword string

// ednValue is a parsed value and the byte offset it started at.
type ednValue struct {
	v  any // nil, bool, int64, string, ednKeyword or []any
	at int
}

// ednReader reads the subset of EDN the logs use: one map per line whose
// values are nil, booleans, integers, strings, keywords and vectors.
type ednReader struct {
	file   string
	lineNo int
	line   string
	i      int
}

func (r *ednReader) errorf(at int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...) + "; a line looks like " + ednExample
	return &ParseError{File: r.file, Line: r.lineNo, Column: column(r.line, min(at, len(r.line))), Msg: msg}
}

func (r *ednReader) skipSpace() {
	for r.i < len(r.line) {
		switch r.line[r.i] {
		case ' ', '\t', ',':
			r.i++
		default:
			return
		}
	}
}

func (r *ednReader) readLine() (map[ednKeyword]ednValue, error) {
	r.skipSpace()
	if r.i >= len(r.line) || r.line[r.i] != '{' {
		return nil, r.errorf(r.i, "expected a map starting with {")
	}
	r.i++
	m := map[ednKeyword]ednValue{}
	for {
		r.skipSpace()
		if r.i >= len(r.line) {
			return nil, r.errorf(r.i, "expected } closing the map, found the end of the line")
		}
		if r.line[r.i] == '}' {
			r.i++
			break
		}
		keyAt := r.i
		key, err := r.value(0)
		if err != nil {
			return nil, err
		}
		k, ok := key.(ednKeyword)
		if !ok {
			return nil, r.errorf(keyAt, "expected a keyword key such as :process")
		}
		if _, dup := m[k]; dup {
			return nil, r.errorf(keyAt, "key :%s appears twice", k)
		}
		r.skipSpace()
		if r.i >= len(r.line) || r.line[r.i] == '}' {
			return nil, r.errorf(r.i, "expected a value for :%s", k)
		}
		at := r.i
		v, err := r.value(0)
		if err != nil {
			return nil, err
		}
		m[k] = ednValue{v, at}
	}
	r.skipSpace()
	if r.i < len(r.line) {
		return nil, r.errorf(r.i, "expected the end of the line after the map")
	}
	return m, nil
}

// value reads one value at r.i; depth bounds nested vectors.
func (r *ednReader) value(depth int) (any, error) {
	start := r.i
	if depth > 32 {
		return nil, r.errorf(start, "vectors nested too deeply")
	}
	c := r.line[r.i]
	switch {
	case c == '"':
		return r.str()
	case c == '[':
		r.i++
		var vs []any
		for {
			r.skipSpace()
			if r.i >= len(r.line) {
				return nil, r.errorf(r.i, "expected ] closing the vector opened at column %d", column(r.line, start))
			}
			if r.line[r.i] == ']' {
				r.i++
				return vs, nil
			}
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			vs = append(vs, v)
		}
	}
	// A symbol-like token: keyword, nil, true, false or integer.
	j := r.i
	for j < len(r.line) && !strings.ContainsRune(" \t,{}[]\"", rune(r.line[j])) {
		j++
	}
	tok := r.line[r.i:j]
	if tok == "" {
		return nil, r.errorf(start, "expected a value, found %q", string(c))
	}
	r.i = j
	switch {
	case tok == "nil":
		return nil, nil
	case tok == "true", tok == "false":
		return tok == "true", nil
	case tok[0] == ':':
		if len(tok) == 1 {
			return nil, r.errorf(start, "expected a keyword name after :")
		}
		return ednKeyword(tok[1:]), nil
	}
	n, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		return nil, r.errorf(start, "expected nil, true, false, an integer, a string, a keyword or a vector, found %q", tok)
	}
	return n, nil
}

func (r *ednReader) str() (any, error) {
	start := r.i
	r.i++
	var sb strings.Builder
	for r.i < len(r.line) {
		c := r.line[r.i]
		switch c {
		case '"':
			r.i++
			return sb.String(), nil
		case '\\':
			if r.i+1 >= len(r.line) {
				return nil, r.errorf(r.i, "expected an escaped character after \\")
			}
			esc := r.line[r.i+1]
			switch esc {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			case '"', '\\':
				sb.WriteByte(esc)
			default:
				return nil, r.errorf(r.i, "unknown escape \\%c in a string; expected \\n, \\t, \\r, \\\" or \\\\", esc)
			}
			r.i += 2
		default:
			sb.WriteByte(c)
			r.i++
		}
	}
	return nil, r.errorf(start, "string opened here is not closed on this line")
}

// event checks the keys of one kv log map and builds its event.
func (r *ednReader) event(m map[ednKeyword]ednValue) (importedEvent, error) {
	get := func(k ednKeyword) (ednValue, error) {
		v, ok := m[k]
		if !ok {
			return v, r.errorf(0, "missing :%s", k)
		}
		return v, nil
	}
	for k, v := range m {
		switch k {
		case "process", "type", "f", "key", "value", "time", "index":
		default:
			return importedEvent{}, r.errorf(v.at, "unknown key :%s; expected :process, :type, :f, :key and :value", k)
		}
	}
	proc, err := get("process")
	if err != nil {
		return importedEvent{}, err
	}
	typ, err := get("type")
	if err != nil {
		return importedEvent{}, err
	}
	f, err := get("f")
	if err != nil {
		return importedEvent{}, err
	}
	e := importedEvent{line: r.lineNo, col: column(r.line, typ.at)}
	switch p := proc.v.(type) {
	case int64:
		if p < 0 || p > 1<<31 {
			return e, r.errorf(proc.at, "expected a process number or :nemesis, found %d", p)
		}
		e.process = int(p)
	case ednKeyword:
		if p != "nemesis" {
			return e, r.errorf(proc.at, "expected a process number or :nemesis, found :%s", p)
		}
		e.process = -1
	default:
		return e, r.errorf(proc.at, "expected a process number or :nemesis")
	}
	kind, _ := typ.v.(ednKeyword)
	switch kind {
	case "invoke", "ok", "fail", "info":
		e.kind = string(kind)
	default:
		return e, r.errorf(typ.at, "expected :type to be :invoke, :ok, :fail or :info")
	}
	fk, _ := f.v.(ednKeyword)
	if fk == "" {
		return e, r.errorf(f.at, "expected :f to be a keyword such as :get")
	}
	e.f = string(fk)
	value := m["value"]
	if e.process < 0 {
		if value.v != nil {
			e.text = fmt.Sprint(value.v)
		}
		return e, nil
	}
	key, err := get("key")
	if err != nil {
		return e, err
	}
	var k string
	switch kv := key.v.(type) {
	case string:
		k = kv
	case int64:
		k = strconv.FormatInt(kv, 10)
	default:
		return e, r.errorf(key.at, "expected :key to be a string or an integer")
	}
	str := func() (string, error) {
		switch v := value.v.(type) {
		case string:
			return v, nil
		case nil:
			return "", nil
		case int64:
			return strconv.FormatInt(v, 10), nil
		}
		return "", r.errorf(value.at, "expected :value to be a string, an integer or nil")
	}
	switch e.f {
	case "get":
		e.input = obj{{"op", "get"}, {"key", k}}
		if e.kind == "ok" {
			v, err := str()
			if err != nil {
				return e, err
			}
			e.output = obj{{"value", v}}
		}
	case "put", "append":
		v, err := str()
		if err != nil {
			return e, err
		}
		e.input = obj{{"op", e.f}, {"key", k}, {"value", v}}
		e.output = obj{}
	default:
		return e, r.errorf(f.at, "expected :f to be :get, :put or :append (a key/value store), found :%s", e.f)
	}
	return e, nil
}
