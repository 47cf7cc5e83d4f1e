package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Version is the version of the document format that this package writes
// and reads.
const Version = 1

// A Document is the data of one run report: see the package doc for its
// JSON form. The page is drawn from it alone.
type Document struct {
	Version       int         `json:"version"`
	Test          string      `json:"test,omitempty"`
	Package       string      `json:"package,omitempty"`
	Command       []string    `json:"command,omitempty"`
	Seed          int64       `json:"seed"`
	Failed        bool        `json:"failed"`
	End           int64       `json:"end"` // the run's length on its clock, in ns
	Lanes         []Lane      `json:"lanes"`
	Methods       []string    `json:"methods"`
	Fates         []string    `json:"fates"`
	Messages      []Message   `json:"messages"`
	MessagesTotal int         `json:"messages_total"`
	MessagesKept  int         `json:"messages_kept"`
	States        []StateAt   `json:"states"`
	Faults        []Fault     `json:"faults"`
	History       *History    `json:"history,omitempty"`
	Logs          []LogLine   `json:"logs"`
	LogsNote      string      `json:"logs_note,omitempty"`
	Violations    []Violation `json:"violations"`
}

// A Lane is a server or a client of the run.
type Lane struct {
	Name    string `json:"name"`
	Cluster string `json:"cluster,omitempty"`
	Client  bool   `json:"client,omitempty"`
}

// A Message is one request or reply; in JSON it is the array
// [call, kind, from, to, method, sent, arrived, bytes, fate].
type Message struct {
	Call    int64
	Kind    int // 0 request, 1 reply
	From    int // lane, -1 if unknown
	To      int // lane, -1 if unknown
	Method  int // index in Document.Methods
	Sent    int64
	Arrived int64
	Bytes   int
	Fate    int // index in Document.Fates
}

// MarshalJSON writes the message as an array of nine integers.
func (m Message) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, "[%d,%d,%d,%d,%d,%d,%d,%d,%d]", m.Call, m.Kind, m.From, m.To, m.Method, m.Sent, m.Arrived, m.Bytes, m.Fate), nil
}

// UnmarshalJSON reads the array form.
func (m *Message) UnmarshalJSON(b []byte) error {
	var a []int64
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("a message is an array of 9 integers: %w", err)
	}
	if len(a) != 9 {
		return fmt.Errorf("a message is an array of 9 integers [call, kind, from, to, method, sent, arrived, bytes, fate], not %d", len(a))
	}
	*m = Message{Call: a[0], Kind: int(a[1]), From: int(a[2]), To: int(a[3]), Method: int(a[4]),
		Sent: a[5], Arrived: a[6], Bytes: int(a[7]), Fate: int(a[8])}
	return nil
}

// A StateAt is a peer's state from At on; in JSON it is the array
// [lane, at, role, term, commit, applied] with the note as a seventh
// element when there is one.
type StateAt struct {
	Lane int
	At   int64
	State
}

// MarshalJSON writes the array form.
func (s StateAt) MarshalJSON() ([]byte, error) {
	a := []any{s.Lane, s.At, s.Role, s.Term, s.Commit, s.Applied}
	if s.Note != "" {
		a = append(a, s.Note)
	}
	return json.Marshal(a)
}

// UnmarshalJSON reads the array form.
func (s *StateAt) UnmarshalJSON(b []byte) error {
	var a []json.RawMessage
	if err := json.Unmarshal(b, &a); err != nil || len(a) < 6 || len(a) > 7 {
		return fmt.Errorf("a state is an array [lane, at, role, term, commit, applied] with an optional note, not %s", b)
	}
	*s = StateAt{}
	if len(a) == 6 {
		a = append(a, json.RawMessage(`""`))
	}
	return unmarshalEach(b, a, &s.Lane, &s.At, &s.Role, &s.Term, &s.Commit, &s.Applied, &s.Note)
}

// unmarshalEach decodes the elements of an array into the fields given, in
// order; b is the whole array, for the error.
func unmarshalEach(b []byte, elems []json.RawMessage, fields ...any) error {
	for i, f := range fields {
		if err := json.Unmarshal(elems[i], f); err != nil {
			return fmt.Errorf("element %d of %s: %w", i, b, err)
		}
	}
	return nil
}

// A Fault is one interval (or point, when End == Start) of the harness's
// fault table, on the lane named Lane.
type Fault struct {
	Lane    string `json:"lane"`
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
	Text    string `json:"text"`
	Details string `json:"details,omitempty"`
	Colour  string `json:"colour,omitempty"`
}

// History is the clients' operations with porcupine's verdict.
type History struct {
	Model   string `json:"model,omitempty"`
	Verdict string `json:"verdict"` // "ok", "illegal", "unknown", or "" if not checked
	Ops     []Op   `json:"ops"`
	Bad     int    `json:"bad"` // index in Ops of the first operation that cannot be linearized, -1 if none
}

// An Op is one client operation.
type Op struct {
	Client int    `json:"client"`
	Call   int64  `json:"call"`
	Return int64  `json:"return"` // -1 if pending
	Desc   string `json:"desc"`
	Lin    int    `json:"lin"` // position in the (partial) linearization, -1 if not in it
}

// A LogLine is one line of lablog's per-peer log; in JSON it is the array
// [at, lane, topic, text].
type LogLine struct {
	At    int64
	Lane  int
	Topic string
	Text  string
}

// MarshalJSON writes the array form.
func (l LogLine) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{l.At, l.Lane, l.Topic, l.Text})
}

// UnmarshalJSON reads the array form.
func (l *LogLine) UnmarshalJSON(b []byte) error {
	var a []json.RawMessage
	if err := json.Unmarshal(b, &a); err != nil || len(a) != 4 {
		return fmt.Errorf("a log line is an array [at, lane, topic, text], not %s", b)
	}
	*l = LogLine{}
	return unmarshalEach(b, a, &l.At, &l.Lane, &l.Topic, &l.Text)
}

// A Violation is a failed check, at the time it was found.
type Violation struct {
	At   int64  `json:"at"`
	Lane int    `json:"lane"` // -1 if it concerns no one peer
	Text string `json:"text"`
}

// Marshal encodes d as JSON, one line per message, state and log line (so
// that a damaged file's errors have useful line numbers).
func (d *Document) Marshal() ([]byte, error) {
	c := *d // empty lists as [], not null
	c.Lanes, c.Methods, c.Fates = nonNil(c.Lanes), nonNil(c.Methods), nonNil(c.Fates)
	c.Messages, c.States, c.Faults = nonNil(c.Messages), nonNil(c.States), nonNil(c.Faults)
	c.Logs, c.Violations = nonNil(c.Logs), nonNil(c.Violations)
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(b) + len(d.Messages) + len(d.Logs) + len(d.States))
	// A newline after each element of the big arrays: after "],[" and
	// "},{" at depth 2 outside strings.
	depth, inStr, esc := 0, false, false
	for i, c := range b {
		out.WriteByte(c)
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth == 2 && i > 0 && (b[i-1] == ']' || b[i-1] == '}'):
			out.WriteByte('\n')
		}
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Load reads a document from a file. A file that is not a valid document
// (truncated, corrupt, or of another version) gives an error that names
// the file and the place: a line and column, or the element at fault.
func Load(path string) (*Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Parse decodes and checks a document; see Load.
func Parse(b []byte) (*Document, error) {
	// The long lists are decoded one element at a time, so that a bad one
	// is named by its index.
	type plain Document
	var raw struct {
		plain
		Messages []json.RawMessage `json:"messages"`
		States   []json.RawMessage `json:"states"`
		Logs     []json.RawMessage `json:"logs"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := position(b, syn.Offset)
			if syn.Offset >= int64(len(bytes.TrimRight(b, " \t\r\n"))) {
				return nil, fmt.Errorf("line %d, column %d: the document ends early (truncated?): %v", line, col, err)
			}
			return nil, fmt.Errorf("line %d, column %d: %v", line, col, err)
		case errors.As(err, &typ):
			line, col := position(b, typ.Offset)
			return nil, fmt.Errorf("line %d, column %d: field %s: %v", line, col, typ.Field, err)
		}
		return nil, fmt.Errorf("not a run report document: %w", err)
	}
	d := Document(raw.plain)
	var err error
	if d.Messages, err = decodeList[Message]("messages", raw.Messages); err != nil {
		return nil, err
	}
	if d.States, err = decodeList[StateAt]("states", raw.States); err != nil {
		return nil, err
	}
	if d.Logs, err = decodeList[LogLine]("logs", raw.Logs); err != nil {
		return nil, err
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return &d, nil
}

// decodeList decodes the elements of the list name one by one.
func decodeList[T any, P interface {
	*T
	json.Unmarshaler
}](name string, raw []json.RawMessage) ([]T, error) {
	out := make([]T, len(raw))
	for i, r := range raw {
		if err := P(&out[i]).UnmarshalJSON(r); err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", name, i, err)
		}
	}
	return out, nil
}

// position turns a byte offset into a line and column, both from 1.
func position(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// check reports the first reference out of range, naming the element.
func (d *Document) check() error {
	if d.Version != Version {
		return fmt.Errorf("version %d: this distlab reads run reports of version %d", d.Version, Version)
	}
	nl := len(d.Lanes)
	lane := func(i int) bool { return i >= -1 && i < nl }
	for i, m := range d.Messages {
		switch {
		case !lane(m.From) || !lane(m.To):
			return fmt.Errorf("messages[%d]: lane %d or %d out of range (%d lanes)", i, m.From, m.To, nl)
		case m.Method < 0 || m.Method >= len(d.Methods):
			return fmt.Errorf("messages[%d]: method %d out of range (%d methods)", i, m.Method, len(d.Methods))
		case m.Fate < 0 || m.Fate >= len(d.Fates):
			return fmt.Errorf("messages[%d]: fate %d out of range (%d fates)", i, m.Fate, len(d.Fates))
		case m.Kind != 0 && m.Kind != 1:
			return fmt.Errorf("messages[%d]: kind %d is neither 0 (request) nor 1 (reply)", i, m.Kind)
		}
	}
	for i, s := range d.States {
		if s.Lane < 0 || s.Lane >= nl {
			return fmt.Errorf("states[%d]: lane %d out of range (%d lanes)", i, s.Lane, nl)
		}
	}
	for i, l := range d.Logs {
		if !lane(l.Lane) {
			return fmt.Errorf("logs[%d]: lane %d out of range (%d lanes)", i, l.Lane, nl)
		}
	}
	for i, v := range d.Violations {
		if !lane(v.Lane) {
			return fmt.Errorf("violations[%d]: lane %d out of range (%d lanes)", i, v.Lane, nl)
		}
	}
	if h := d.History; h != nil && (h.Bad < -1 || h.Bad >= len(h.Ops)) {
		return fmt.Errorf("history.bad: %d out of range (%d operations)", h.Bad, len(h.Ops))
	}
	return nil
}
