// Package mergecmd is "distlab merge": it combines the result files of a
// campaign's shards — distlab chaos -o results files (one JSON line per
// seed) or distlab test -json event files (one go test event a line) —
// into one table and one file, as if one machine had run them all.
package mergecmd

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"distlab/internal/runner"
	"distlab/labtest/campaign"
)

const usage = `usage: distlab merge [-o FILE] [-rubric FILE -results FILE] RESULTS...

Combines the result files of a campaign's shards into one table, as if one
machine had run them all, and with -o into one file. RESULTS are either
distlab chaos -o files (one JSON line per seed: the table counts verdicts
per lab and lists each failed seed with its replay command) or distlab test
-json files (the runs' go test events: the table is distlab test's, and
-rubric grades all the shards' runs together, writing Gradescope's
results.json with -results). Globs are expanded, for shells that do not.
A seed or a run that is in two files is an error: shards must not overlap.

Exit status: 0 when every seed or run passed, 1 when some failed, 2 for bad
usage or unreadable files.

Examples:

	distlab merge results-*.jsonl
	distlab merge -o all.jsonl results-0.jsonl results-1.jsonl
	distlab merge -rubric rubric.toml -results results.json runs-*.json

Flags:
`

// Command is "distlab merge".
func Command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distlab merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var out, rubricFile, results string
	fs.StringVar(&out, "o", "", "write the combined results (JSON lines) to `FILE`")
	fs.StringVar(&rubricFile, "rubric", "", "grade distlab test runs with the rubric in `FILE`")
	fs.StringVar(&results, "results", "results.json", "with -rubric, write Gradescope's results.json to `FILE`")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(err error) int {
		fmt.Fprintf(stderr, "distlab merge: %v\n", err)
		return 2
	}
	files, err := expand(fs.Args())
	if err != nil {
		return bad(err)
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	events, err := isEventFile(files[0])
	if err != nil {
		return bad(err)
	}
	if events {
		return mergeEvents(files, out, rubricFile, results, stdout, stderr)
	}
	if rubricFile != "" {
		return bad(fmt.Errorf("-rubric grades distlab test runs; %s holds chaos results", files[0]))
	}
	rs, err := campaign.Merge(files, stderr)
	if err != nil {
		return bad(err)
	}
	if out != "" {
		if err := writeFile(out, func(w io.Writer) error {
			rw := campaign.NewRecordWriter(w)
			for _, r := range rs {
				if err := rw.Write(r); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return bad(err)
		}
	}
	campaign.WriteSummary(stdout, rs)
	for _, r := range rs {
		if r.Failed() {
			return 1
		}
	}
	return 0
}

func mergeEvents(files []string, out, rubricFile, results string, stdout, stderr io.Writer) int {
	var rubric *runner.Rubric
	if rubricFile != "" {
		var err error
		if rubric, err = runner.LoadRubric(rubricFile); err != nil {
			fmt.Fprintf(stderr, "distlab merge: %v\n", err)
			return 2
		}
	}
	rep, err := runner.ReportFromEvents(files)
	if err != nil {
		fmt.Fprintf(stderr, "distlab merge: %v\n", err)
		return 2
	}
	if out != "" {
		if err := writeFile(out, func(w io.Writer) error {
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				if _, err := w.Write(b); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			fmt.Fprintf(stderr, "distlab merge: -o: %v\n", err)
			return 2
		}
	}
	runner.WriteTable(stdout, rep, false)
	if rubric != nil {
		gs := rubric.Grades(rep)
		fmt.Fprintln(stdout)
		runner.WriteScores(stdout, gs)
		if err := writeFile(results, func(w io.Writer) error { return runner.WriteGradescope(w, gs, rep) }); err != nil {
			fmt.Fprintf(stderr, "distlab merge: -results: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "wrote %s\n", results)
	}
	if rep.Failed() {
		return 1
	}
	return 0
}

// isEventFile tells a go test -json event file (its lines have an
// "Action") from a campaign results file, by its first line.
func isEventFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var probe map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &probe); err != nil {
			return false, fmt.Errorf("%s: the first line is not JSON: neither distlab chaos results nor distlab test -json events", path)
		}
		_, ok := probe["Action"]
		return ok, nil
	}
	if err := sc.Err(); err != nil {
		return false, err
	}
	return false, fmt.Errorf("%s is empty", path)
}

// expand expands glob patterns (for shells that do not) and keeps plain
// paths; a pattern that matches nothing is an error.
func expand(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		if !strings.ContainsAny(a, "*?[") {
			files = append(files, a)
			continue
		}
		m, err := filepath.Glob(a)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", a, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("no file matches %s", a)
		}
		files = append(files, m...)
	}
	return files, nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
