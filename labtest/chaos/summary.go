package chaos

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/porcupine"
)

// SummaryFile is the file of the artefact folder that holds a chaos run's
// Summary as JSON.
const SummaryFile = "summary.json"

// A Summary is what one chaos run did and how it was judged. Its JSON form
// (SummaryFile) uses the field names in lower case.
type Summary struct {
	Lab     string `json:"lab"`
	Seed    int64  `json:"seed"`
	Servers int    `json:"servers"`
	Clients int    `json:"clients"`
	// Duration is how long the nemesis ran (Config.Duration, -duration):
	// what distlab shrink shortens.
	Duration time.Duration `json:"duration_ns"`
	Rounds   int           `json:"rounds"` // rounds of faults begun
	// Ops is the number of client operations completed; Pending were
	// abandoned (their clients did not finish after healing).
	Ops     int `json:"ops"`
	Pending int `json:"pending"`
	// Faults counts the faults that the nemesis (or the replayed
	// schedule) applied, by kind: labtest.Event.IsFault, so repairs such
	// as restarts and heals are not counted.
	Faults map[string]int `json:"faults"`
	// Live is false if the service did not serve, or a client did not
	// finish, within the liveness bound after healing.
	Live bool `json:"live"`
	// Recovery is the longest time from healing to the service serving.
	Recovery time.Duration `json:"recovery_ns"`
	// Checked says whether the history was checked (the lab has a Model);
	// Verdict is then porcupine's: Ok, Illegal (not linearizable), or
	// Unknown (the check ran out of time).
	Checked bool                  `json:"checked"`
	Verdict porcupine.CheckResult `json:"verdict"`
	// Invariants names the invariants the lab checked (Lab.Invariants);
	// Violations are those it found broken.
	Invariants string        `json:"invariants,omitempty"`
	Violations []string      `json:"violations,omitempty"`
	Stats      []Stat        `json:"stats,omitempty"` // the lab's own lines
	RPCs       int           `json:"rpcs"`
	Bytes      int64         `json:"bytes"`
	CheckTime  time.Duration `json:"check_time_ns"`       // real time the porcupine check took
	Virtual    time.Duration `json:"virtual_ns"`          // the run's length on the test's clock
	Wall       time.Duration `json:"wall_ns"`             // the run's length in real time, check included
	Dir        string        `json:"artifacts,omitempty"` // the artefact folder, if written
	Report     string        `json:"report,omitempty"`    // the run report page in it, if written
}

// FaultCount returns the total number of faults applied.
func (s Summary) FaultCount() int {
	n := 0
	for _, k := range s.Faults {
		n += k
	}
	return n
}

// OK reports whether the run found no violation, no liveness failure and
// no history that is not linearizable.
func (s Summary) OK() bool {
	return s.Live && len(s.Violations) == 0 && !(s.Checked && s.Verdict == porcupine.Illegal)
}

// finish completes the summary at the end of a run: the check, the counts,
// the artefacts, and the printed summary.
func (s *Summary) finish(t *testing.T, w *labtest.World, h *labtest.History, lab *Lab, svc Service, cfg Config, cs *clients) {
	s.Ops, s.Pending = int(cs.ops.Load()), int(cs.pending.Load())
	if svc.Violations != nil {
		s.Invariants = lab.Invariants
		s.Violations = svc.Violations()
	}
	if svc.Stats != nil {
		s.Stats = svc.Stats()
	}
	s.Faults = map[string]int{}
	for _, e := range w.Schedule().Events {
		if (e.By == labtest.ByNemesis || e.By == labtest.BySchedule) && e.IsFault() {
			s.Faults[e.Kind]++
		}
	}
	s.Virtual = w.Now()
	s.RPCs, s.Bytes = w.RPCs(), w.Bytes()
	if h != nil {
		before := w.Wall()
		s.Verdict = h.Check(*lab.Model, 0) // fails t if not linearizable
		s.CheckTime = w.Wall() - before
		s.Checked = true
	}
	s.Wall = w.Wall()
	if cfg.Artifacts || cfg.Report || t.Failed() {
		if err := s.writeArtifacts(w, cfg.Report, t.Failed()); err != nil {
			t.Errorf("chaos: writing the artefacts: %v", err)
		}
	}
	if cfg.Out != nil {
		s.Print(cfg.Out)
	} else {
		var b strings.Builder
		s.Print(&b)
		t.Log("\n" + b.String())
	}
}

// writeArtifacts writes the run's artefact folder (labtest's, the same as a
// failing test's, with the run report when the run failed) and the summary
// into it, and the run report of a passing run when report is set.
func (s *Summary) writeArtifacts(w *labtest.World, report, failed bool) error {
	dir, err := w.WriteArtifacts()
	if err != nil {
		return err
	}
	s.Dir = dir
	switch {
	case failed:
		s.Report = filepath.Join(dir, labtest.ReportFile)
	case report:
		if s.Report, err = w.WriteReport(dir); err != nil {
			return err
		}
	}
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the summary: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, SummaryFile), append(js, '\n'), 0o644)
}

func verdict(r porcupine.CheckResult) string {
	switch r {
	case porcupine.Ok:
		return "linearizable"
	case porcupine.Illegal:
		return "NOT linearizable"
	default:
		return "unknown (check timed out)"
	}
}

// Print writes the summary for a person, one line per subject.
func (s Summary) Print(out io.Writer) {
	kinds := make([]string, 0, len(s.Faults))
	for k := range s.Faults {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s %d", k, s.Faults[k])
	}
	line := func(name, format string, args ...any) {
		fmt.Fprintf(out, "  %-12s %s\n", name, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(out, "%s chaos: %d servers, %d clients, seed %d\n", s.Lab, s.Servers, s.Clients, s.Seed)
	line("operations", "%d (%d pending)", s.Ops, s.Pending)
	line("faults", "%d in %d round(s) (%s)", s.FaultCount(), s.Rounds, strings.Join(parts, ", "))
	if s.Live {
		line("liveness", "served within %v of every heal", s.Recovery.Round(time.Millisecond))
	} else {
		line("liveness", "FAILED: not served after healing")
	}
	if s.Checked {
		line("verdict", "%s", verdict(s.Verdict))
		line("check time", "%v", s.CheckTime.Round(time.Microsecond))
	}
	switch {
	case len(s.Violations) > 0:
		line("safety", "%d VIOLATIONS:\n%s", len(s.Violations), lines(s.Violations))
	case s.Invariants != "":
		line("safety", "no violation (%s)", s.Invariants)
	}
	for _, st := range s.Stats {
		line(st.Name, "%s", st.Value)
	}
	line("network", "%d RPCs, %d bytes", s.RPCs, s.Bytes)
	ratio := 0.0
	if s.Wall > 0 {
		ratio = s.Virtual.Seconds() / s.Wall.Seconds()
	}
	line("time", "%v virtual, %v wall (%.1fx)", s.Virtual.Round(time.Millisecond), s.Wall.Round(time.Millisecond), ratio)
	if s.Dir != "" {
		report := filepath.Join(s.Dir, labtest.HistoryHTMLFile)
		switch {
		case s.Report != "":
			report = s.Report
		case !s.Checked:
			report = filepath.Join(s.Dir, labtest.ScheduleFile)
		}
		line("report", "%s", report)
	}
}
