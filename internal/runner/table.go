package runner

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// maxListedFailures is how many failing runs of one test the final table
// lists; the rest are in the output folder.
const maxListedFailures = 3

// WriteTable writes the final table of rep: a row per test with its runs,
// failures, mean ± sd wall time and the virtual time the runs reported;
// then the failing runs, with where their output is and how to reproduce
// them; then a one-line verdict.
func WriteTable(w io.Writer, rep *Report, race bool) {
	multi := len(rep.Packages) > 1
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	head := "TEST\tRUNS\tFAILED\tWALL (mean ± sd)\tVIRTUAL (mean ± sd)"
	if multi {
		head = "PACKAGE\t" + head
	}
	fmt.Fprintln(tw, head)
	var runs, failures, failedTests int
	for _, s := range rep.Tests {
		runs += s.Runs
		failures += s.Failures
		if s.Failures > 0 {
			failedTests++
		}
		wm, wsd := s.Wall()
		wall := "-"
		if s.Runs > 0 {
			wall = FormatDuration(wm) + " ± " + FormatDuration(wsd)
		}
		virtual := "-"
		if vm, vsd, n := s.Virtual(); n > 0 {
			virtual = FormatDuration(vm) + " ± " + FormatDuration(vsd)
		}
		row := fmt.Sprintf("%s\t%s\t%d\t%s\t%s", s.Test, runsCell(s), s.Failures, wall, virtual)
		if multi {
			row = s.Package + "\t" + row
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	writeFailures(w, rep, race)
	total := 0
	for _, s := range rep.Tests {
		total += s.Planned
	}
	elapsed := FormatDuration(rep.Elapsed)
	switch {
	case rep.Interrupted:
		fmt.Fprintf(w, "INTERRUPTED after %d of %d runs (%s): %d failed\n", runs, total, elapsed, failures)
	case failures > 0:
		fmt.Fprintf(w, "FAIL: %d of %s failed, %d of %s (%s)\n", failedTests, plural(len(rep.Tests), "test"), failures, plural(runs, "run"), elapsed)
	default:
		fmt.Fprintf(w, "PASS: %s, %s (%s)\n", plural(len(rep.Tests), "test"), plural(runs, "run"), elapsed)
	}
}

// runsCell is "10", or "4/10" when fewer runs were done than planned.
func runsCell(s *Summary) string {
	if s.Runs == s.Planned {
		return fmt.Sprint(s.Runs)
	}
	return fmt.Sprintf("%d/%d", s.Runs, s.Planned)
}

func writeFailures(w io.Writer, rep *Report, race bool) {
	first := true
	for _, s := range rep.Tests {
		for i, r := range s.Failed {
			if first {
				fmt.Fprintln(w, "\nFailed runs:")
				first = false
			}
			if i == maxListedFailures {
				fmt.Fprintf(w, "  %s: %s, output in %s\n", s.Test, plural(len(s.Failed)-i, "more failed run"), outDirOf(r))
				break
			}
			fmt.Fprintf(w, "  %s run %d%s\n", s.Test, r.Iteration, failureDetails(r))
			fmt.Fprintf(w, "      %s\n", Reproduce(r, race))
			if r.Replay != "" {
				fmt.Fprintf(w, "      %s\n", r.Replay)
			}
		}
	}
	if !first {
		fmt.Fprintln(w)
	}
}

func failureDetails(r *Result) string {
	var parts []string
	if r.TimedOut {
		parts = append(parts, "timed out")
	}
	if r.Seed != "" {
		parts = append(parts, "seed="+r.Seed)
	}
	if r.LogFile != "" {
		parts = append(parts, "output: "+r.LogFile)
	}
	if r.Artifacts != "" {
		parts = append(parts, "artifacts: "+r.Artifacts)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func outDirOf(r *Result) string {
	if r.LogFile == "" {
		return "the output folder"
	}
	i := strings.LastIndexAny(r.LogFile, `/\`)
	if i < 0 {
		return "."
	}
	return r.LogFile[:i]
}

// FormatDuration prints d with about three significant digits: 950µs,
// 12.3ms, 1.23s, 1m23s.
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}

// plural is "1 failed run" or "3 failed runs".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
