package runner

import (
	"bytes"
	"strconv"
	"time"

	"distlab/internal/testattr"
)

// An Event is one go test -json event, as test2json writes it.
type Event struct {
	Time    time.Time // when test2json saw it
	Action  string    // start, run, pause, cont, pass, fail, skip, output, bench, attr
	Package string    // import path
	Test    string    // test name, "" for the package as a whole
	Elapsed float64   // seconds
	Output  string    // with Action "output": a piece of the test's output
	Key     string    // with Action "attr": the attribute's key (t.Attr)
	Value   string    // with Action "attr": its value
}

// Status is the verdict of one run.
type Status string

// The verdicts of a run.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// harnessInfo is what the harness's test attributes (see
// distlab/internal/testattr) tell about a run.
type harnessInfo struct {
	Seed       string
	Virtual    time.Duration
	HasVirtual bool
	Artifacts  string
	Replay     string
}

// attr records one test attribute of a run (an event with Action "attr").
// Attributes that are not the harness's, or whose value does not parse,
// are ignored; a later value replaces an earlier one.
func (h *harnessInfo) attr(key, value string) {
	switch key {
	case testattr.Seed:
		if _, err := strconv.ParseInt(value, 10, 64); err == nil {
			h.Seed = value
		}
	case testattr.Virtual:
		if d, err := time.ParseDuration(value); err == nil {
			h.Virtual, h.HasVirtual = d, true
		}
	case testattr.Artifacts:
		h.Artifacts = value
	case testattr.Replay:
		h.Replay = value
	}
}

// subtestAttr records an attribute of one of the run's subtests (a test
// that runs the harness once per subtest, such as a table of seeds): the
// first failing subtest's artefact folder and replay command stand for the
// run's when the test itself reported none. A subtest's seed is its own,
// not the run's, and is ignored.
func (h *harnessInfo) subtestAttr(key, value string) {
	switch key {
	case testattr.Artifacts:
		if h.Artifacts == "" {
			h.Artifacts = value
		}
	case testattr.Replay:
		if h.Replay == "" {
			h.Replay = value
		}
	}
}

// withIteration returns the JSON event line with an "Iteration" field
// added, so that the events of many runs of one test can be told apart.
func withIteration(line []byte, iteration int) []byte {
	i := bytes.LastIndexByte(line, '}')
	if i < 0 {
		return line
	}
	out := append([]byte(nil), line[:i]...)
	out = append(out, []byte(`,"Iteration":`)...)
	out = strconv.AppendInt(out, int64(iteration), 10)
	return append(out, '}')
}
