package labtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
)

// The files of a failure artefact folder.
const (
	ScheduleFile    = "schedule.json" // the failure schedule (see Schedule)
	HistoryFile     = "history.json"  // the clients' history, in porcupine's JSON history format
	HistoryHTMLFile = "history.html"  // its visualisation, faults drawn on the timeline
	LogFile         = "peers.log"     // the per-peer log (with DISTLAB_LOG=1)
	ReportFile      = "report.html"   // the run report (see distlab/labtest/report), its data in report.json
)

// WriteArtifacts writes the test's artefacts as they stand now — the
// failure schedule (ScheduleFile), the history and its HTML view with the
// faults drawn on its timeline (HistoryFile, HistoryHTMLFile) when the test
// recorded one, the per-peer log (LogFile) with DISTLAB_LOG=1, and, when
// the test has failed, the run report (ReportFile, see WriteReport) — and
// returns the folder's path. The folder is made on the first call, under
// DISTLAB_ARTIFACTS if set, else in the system's temporary folder, and is
// the same for every later call, which rewrites the files.
//
// Run calls it when a test fails; a command that reports on a run that
// passed (distlab chaos) calls it too, so both write the same folder by
// the same code. Other files may be added to the folder by the caller.
func (w *World) WriteArtifacts() (string, error) {
	w.mu.Lock()
	dir := w.artifactDir
	w.mu.Unlock()
	if dir == "" {
		parent := os.Getenv(EnvArtifacts)
		if parent != "" {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				return "", fmt.Errorf("%s: %w", EnvArtifacts, err)
			}
		}
		d, err := os.MkdirTemp(parent, "distlab-"+safeName(w.test)+"-")
		if err != nil {
			return "", fmt.Errorf("making the artefact folder: %w", err)
		}
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		dir = d
		w.mu.Lock()
		w.artifactDir = dir
		w.mu.Unlock()
	}
	b, err := w.Schedule().Marshal()
	if err != nil {
		return dir, fmt.Errorf("encoding the schedule: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ScheduleFile), b, 0o644); err != nil {
		return dir, fmt.Errorf("writing the schedule: %w", err)
	}
	if err := w.writeHistoryArtifacts(dir); err != nil {
		return dir, err
	}
	if w.logs != nil {
		if err := os.WriteFile(filepath.Join(dir, LogFile), w.logs.Bytes(), 0o644); err != nil {
			return dir, fmt.Errorf("writing the log: %w", err)
		}
	}
	if w.t != nil && w.t.Failed() {
		if _, err := w.WriteReport(dir); err != nil {
			return dir, fmt.Errorf("writing the run report: %w", err)
		}
	}
	return dir, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// runPattern turns a test name ("TestX" or "TestX/sub") into a -run pattern
// that matches it alone.
func runPattern(test string) string {
	parts := strings.Split(test, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// replayCommand is the command line that replays a failure artefact: go
// test of the package, or the command that ran the test through Main.
func replayCommand(dir, pkg, test string) string {
	env := EnvReplay + "=" + filepath.Join(dir, ScheduleFile)
	if mainArgs != nil {
		q := make([]string, len(mainArgs))
		for i, a := range mainArgs {
			q[i] = shellQuote(a)
		}
		return env + " " + strings.Join(q, " ")
	}
	return fmt.Sprintf("%s go test %s -run '%s'", env, relPackage(pkg), runPattern(test))
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./=:,+-]+$`)

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// relPackage turns an import path into the ./dir form used from the
// module's root, when the module path is known.
func relPackage(pkg string) string {
	if pkg == "" {
		return "."
	}
	if mod := modulePath(); mod != "" {
		if pkg == mod {
			return "."
		}
		if rest, ok := strings.CutPrefix(pkg, mod+"/"); ok {
			return "./" + rest
		}
	}
	return pkg
}

func modulePath() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if bi.Main.Path != "" {
		return bi.Main.Path
	}
	// A test binary's main package is "<pkg>.test"; its module is not
	// always recorded, so fall back to the first path element.
	p, _, _ := strings.Cut(strings.TrimSuffix(bi.Path, ".test"), "/")
	return p
}

// testPackage finds the import path of the package whose test function
// (named by the first element of test) is on the call stack.
func testPackage(test string) string {
	top, _, _ := strings.Cut(test, "/")
	pc := make([]uintptr, 64)
	n := runtime.Callers(2, pc)
	frames := runtime.CallersFrames(pc[:n])
	for {
		f, more := frames.Next()
		name := f.Function
		// "distlab/raft.TestX", "distlab/raft_test.TestX.func1"
		slash := strings.LastIndex(name, "/")
		dot := strings.Index(name[slash+1:], ".")
		if dot >= 0 {
			pkg, fn := name[:slash+1+dot], name[slash+1+dot+1:]
			if fn == top || strings.HasPrefix(fn, top+".") {
				return strings.TrimSuffix(pkg, "_test")
			}
		}
		if !more {
			return ""
		}
	}
}
