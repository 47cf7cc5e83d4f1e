package campaign

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// The verdicts of a Record.
const (
	VerdictOK        = "ok"        // every check passed
	VerdictViolation = "violation" // a check failed: a bug in the lab (or the checker)
	VerdictError     = "error"     // the run could not be judged (bad setup, crash of the tool)
)

// A Record is the result of one seed of a campaign: one JSON line of a
// results file (distlab chaos -o results.jsonl). Fields may be added; a
// reader ignores the ones it does not know.
type Record struct {
	Lab       string  `json:"lab"`                 // the chaos target, "kvraft"
	Seed      int64   `json:"seed"`                //
	Verdict   string  `json:"verdict"`             // VerdictOK, VerdictViolation or VerdictError
	Violation string  `json:"violation,omitempty"` // the kind of the failed check: "linearizability", "liveness", "election-safety", ...
	Detail    string  `json:"detail,omitempty"`    // one line saying what failed
	Virtual   float64 `json:"virtual_s"`           // virtual seconds the run took
	Wall      float64 `json:"wall_s"`              // wall seconds
	Ops       int     `json:"ops"`                 // client operations (or commands) checked
	Faults    int     `json:"faults"`              // faults injected
	Artifacts string  `json:"artifacts,omitempty"` // the failure's artefact folder
	Replay    string  `json:"replay,omitempty"`    // the command that replays the failure

	// With a determinism check, whether a second run of the seed had the
	// same trace and verdict, and if not, the first difference.
	Deterministic *bool  `json:"deterministic,omitempty"`
	Divergence    string `json:"divergence,omitempty"`

	// Trace is the run's fingerprint for a determinism check, one event a
	// line (the schedule, each link's fault decisions, the history), in
	// order. It is compared, never written.
	Trace []string `json:"-"`
}

// Failed reports whether the record is not a pass.
func (r Record) Failed() bool { return r.Verdict != VerdictOK }

// A RecordWriter writes records as JSON lines; safe for one goroutine.
type RecordWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewRecordWriter returns a writer of records to w.
func NewRecordWriter(w io.Writer) *RecordWriter {
	bw := bufio.NewWriter(w)
	return &RecordWriter{w: bw, enc: json.NewEncoder(bw)}
}

// Write writes one record and flushes it, so that a campaign stopped by
// Ctrl-C or a killed pod leaves every finished seed in the file.
func (rw *RecordWriter) Write(r Record) error {
	if err := rw.enc.Encode(r); err != nil {
		return err
	}
	return rw.w.Flush()
}

// ReadRecords reads a results file. Blank lines are skipped; a line that
// is not a record is an error naming the file and line (a truncated last
// line, from a killed writer, is skipped with a warning to warn).
func ReadRecords(path string, warn io.Writer) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var rs []Record
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var r Record
		err := json.Unmarshal([]byte(line), &r)
		if err == nil && r.Verdict == "" {
			err = fmt.Errorf("no verdict")
		}
		if err != nil {
			if i == len(lines)-1 && !strings.HasSuffix(line, "}") {
				fmt.Fprintf(warn, "%s:%d: skipping a truncated last line (was its writer killed?)\n", path, i+1)
				continue
			}
			return nil, fmt.Errorf("%s:%d: not a campaign result line (%v): %s", path, i+1, err, truncate(line, 80))
		}
		rs = append(rs, r)
	}
	return rs, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
