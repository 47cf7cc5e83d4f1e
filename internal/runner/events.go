package runner

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// An Event is one go test -json event, as test2json writes it.
type Event struct {
	Time    time.Time // when test2json saw it
	Action  string    // start, run, pause, cont, pass, fail, skip, output, bench
	Package string    // import path
	Test    string    // test name, "" for the package as a whole
	Elapsed float64   // seconds
	Output  string    // with Action "output": a piece of the test's output
}

// Status is the verdict of one run.
type Status string

// The verdicts of a run.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// harnessInfo is what the harness's summary lines tell about a run.
type harnessInfo struct {
	Seed       string
	Virtual    time.Duration
	HasVirtual bool
	Artifacts  string
	Replay     string
}

var (
	seedRe      = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(?:distlab_)?seed[=:]\s*(-?[0-9]+)`)
	virtualRe   = regexp.MustCompile(`(?i)(?:^|[^a-z0-9_])virtual[=:]\s*([0-9][0-9.]*(?:ns|us|µs|ms|s|m|h)(?:[0-9.]+(?:ns|us|µs|ms|s|m|h))*)`)
	replayRe    = regexp.MustCompile(`(?i)distlab: replay:\s*(\S.*?)\s*$`)
	artifactsRe = regexp.MustCompile(`(?i)(?:^|[^a-z0-9_])art[ei]facts?(?: folder| dir(?:ectory)?)?\s*[=:]\s*(\S+)`)
)

// scanHarnessLine records what one output line of a run says about its seed,
// virtual time and artefacts. The first seed wins (the harness prints it
// when the test starts); the last virtual time and artefact path win.
func (h *harnessInfo) scanHarnessLine(line string) {
	if h.Seed == "" {
		if m := seedRe.FindStringSubmatch(line); m != nil {
			h.Seed = m[1]
		}
	}
	if strings.Contains(strings.ToLower(line), "distlab") {
		if m := virtualRe.FindStringSubmatch(line); m != nil {
			if d, err := time.ParseDuration(m[1]); err == nil {
				h.Virtual, h.HasVirtual = d, true
			}
		}
	}
	if m := replayRe.FindStringSubmatch(line); m != nil {
		h.Replay = m[1]
		return
	}
	if m := artifactsRe.FindStringSubmatch(line); m != nil {
		h.Artifacts = strings.TrimRight(m[1], ".,;")
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
