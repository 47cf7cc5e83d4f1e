package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"distlab/internal/env"
)

// saveFailure writes a failing run's output, under a header saying how to
// reproduce it, to OutDir/<Test>-<iteration>.log, and records the path in
// r.LogFile.
func saveFailure(o Options, r *Result) error {
	dir := o.OutDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(o.Dir, dir)
	}
	if len(o.Packages) > 1 || strings.Contains(o.Packages[0], "...") {
		dir = filepath.Join(dir, strings.ReplaceAll(r.Package, "/", "_"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("keeping the output of failed runs: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.log", r.Test, r.Iteration))
	var b strings.Builder
	fmt.Fprintf(&b, "# distlab test: %s %s run %d failed after %s\n", r.Package, r.Test, r.Iteration, r.Wall.Round(1e6))
	if r.Seed != "" {
		fmt.Fprintf(&b, "# seed=%s\n", r.Seed)
	}
	if r.Artifacts != "" {
		fmt.Fprintf(&b, "# artifacts: %s\n", r.Artifacts)
	}
	fmt.Fprintf(&b, "# reproduce: %s\n", Reproduce(r, o.Race))
	if r.Replay != "" {
		fmt.Fprintf(&b, "# replay: %s\n", r.Replay)
	}
	b.WriteString("\n")
	b.WriteString(r.Output)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("keeping the output of a failed run: %w", err)
	}
	r.LogFile = path
	return nil
}

// Reproduce returns the shell command that re-runs r's test alone with the
// seed it reported (when it reported one).
func Reproduce(r *Result, race bool) string {
	var b strings.Builder
	if r.Seed != "" {
		fmt.Fprintf(&b, "%s=%s ", env.Seed, r.Seed)
	}
	b.WriteString("go test ")
	if race {
		b.WriteString("-race ")
	}
	fmt.Fprintf(&b, "-count=1 -run '^%s$' %s", r.Test, r.Package)
	return b.String()
}
