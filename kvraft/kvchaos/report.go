package kvchaos

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"distlab/labtest"
	"distlab/porcupine"
	"distlab/porcupine/models"
)

// Names of the files a run writes to Config.ReportDir.
const (
	ReportFile  = "report.html"
	SummaryFile = "summary.json"
)

// writeReport writes the history, with the faults drawn on it, and the
// summary to dir, and returns the report's path.
func writeReport(dir string, w *labtest.World, info porcupine.LinearizationInfo, s Summary) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the report folder: %w", err)
	}
	info.AddAnnotations(annotations(w.Schedule()))
	info.SetTimeUnit(time.Nanosecond) // history and schedule times are nanoseconds since the test started
	path := filepath.Join(dir, ReportFile)
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("creating %s: %w", path, err)
	}
	if err := porcupine.Visualize(models.KvModel, info, f); err != nil {
		f.Close()
		return "", fmt.Errorf("drawing the history into %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	js, err := json.MarshalIndent(summaryJSON(s), "", "  ")
	if err != nil {
		return "", fmt.Errorf("encoding the summary: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), append(js, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("writing the summary: %w", err)
	}
	return path, nil
}

// annotations draws each scheduled event on the timeline: server events on
// the server's lane, the rest on a "network" lane.
func annotations(s *labtest.Schedule) []porcupine.Annotation {
	var out []porcupine.Annotation
	for _, e := range s.Events {
		a := porcupine.Annotation{Tag: "network", Start: e.At.Nanoseconds(), Description: e.String(),
			Details: fmt.Sprintf("%s at %v (by %s)", e.String(), e.At, e.By)}
		switch e.Kind {
		case labtest.KindCrash, labtest.KindRestart, labtest.KindDisconnect, labtest.KindConnect:
			a.Tag = fmt.Sprintf("server %d", e.Server)
		}
		switch e.Kind {
		case labtest.KindRestart, labtest.KindConnect, labtest.KindHeal:
			a.BackgroundColor = "#c4f0c8"
		default:
			a.BackgroundColor = "#f8c4c4"
		}
		out = append(out, a)
	}
	return out
}

func summaryJSON(s Summary) map[string]any {
	return map[string]any{
		"seed": s.Seed, "servers": s.Servers, "clients": s.Clients,
		"ops": s.Ops, "pending": s.Pending, "faults": s.Faults,
		"verdict": verdict(s.Verdict), "live": s.Live,
		"check_time": s.CheckTime.String(), "virtual_time": s.Virtual.String(), "wall_time": s.Wall.String(),
	}
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

// Print writes the summary for a person.
func (s Summary) Print(out io.Writer) {
	kinds := make([]string, 0, len(s.Faults))
	for k := range s.Faults {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, s.Faults[k]))
	}
	fmt.Fprintf(out, "kvraft chaos: %d servers, %d clients, seed %d\n", s.Servers, s.Clients, s.Seed)
	fmt.Fprintf(out, "  operations   %d (%d pending)\n", s.Ops, s.Pending)
	fmt.Fprintf(out, "  faults       %d (%s)\n", s.FaultCount(), strings.Join(parts, ", "))
	live := "every client served after healing"
	if !s.Live {
		live = "FAILED: clients still waiting after healing"
	}
	fmt.Fprintf(out, "  liveness     %s\n", live)
	fmt.Fprintf(out, "  verdict      %s\n", verdict(s.Verdict))
	fmt.Fprintf(out, "  check time   %v\n", s.CheckTime.Round(time.Microsecond))
	ratio := 0.0
	if s.Wall > 0 {
		ratio = s.Virtual.Seconds() / s.Wall.Seconds()
	}
	fmt.Fprintf(out, "  time         %v virtual, %v wall (%.1fx)\n", s.Virtual.Round(time.Millisecond), s.Wall.Round(time.Millisecond), ratio)
	if s.Report != "" {
		fmt.Fprintf(out, "  report       %s\n", s.Report)
	}
}
