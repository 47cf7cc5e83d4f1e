package runner

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// ReportFromEvents rebuilds the Report of a campaign from the -json event
// files that its runs wrote (one per shard of distlab test -shard), so that
// the shards of one campaign give one table and one grade. A run is the
// events of one test with one "Iteration"; its verdict is the test's own
// pass, fail or skip event, and a run that has events but no verdict (its
// binary died) failed. The same run in two files is an error: the shards
// overlap, or a file was given twice.
func ReportFromEvents(files []string) (*Report, error) {
	type key struct {
		pkg, test string
		iteration int
	}
	type run struct {
		r    *Result
		info harnessInfo
		out  strings.Builder
		file string
	}
	runs := map[key]*run{}
	var order []key
	var first, last time.Time
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
		mine := map[key]bool{}
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			var e struct {
				Event
				Iteration int
			}
			if err := json.Unmarshal([]byte(line), &e); err != nil || e.Action == "" {
				f.Close()
				return nil, fmt.Errorf("%s:%d: not a go test -json event of distlab test: %s", file, n, truncate(line, 80))
			}
			if first.IsZero() || e.Time.Before(first) {
				first = e.Time
			}
			if e.Time.After(last) {
				last = e.Time
			}
			if e.Test == "" || e.Iteration == 0 {
				continue // the package's own events say nothing of one run
			}
			top, _, _ := strings.Cut(e.Test, "/")
			k := key{e.Package, top, e.Iteration}
			ru := runs[k]
			if ru == nil {
				ru = &run{r: &Result{Package: e.Package, Test: top, Iteration: e.Iteration}, file: file}
				runs[k] = ru
				order = append(order, k)
			} else if !mine[k] {
				f.Close()
				return nil, fmt.Errorf("run %d of %s %s is in both %s and %s: do the shards overlap?", e.Iteration, e.Package, top, ru.file, file)
			}
			mine[k] = true
			switch {
			case e.Action == "output":
				ru.out.WriteString(e.Output)
			case e.Action == "attr" && e.Test == top:
				ru.info.attr(e.Key, e.Value)
			case e.Action == "attr":
				ru.info.subtestAttr(e.Key, e.Value)
			case e.Test == top && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
				ru.r.Status = Status(e.Action)
				ru.r.Wall = seconds(e.Elapsed)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
	}
	rep := &Report{Elapsed: last.Sub(first)}
	sums := map[[2]string]*Summary{}
	pkgs := map[string]bool{}
	for _, k := range order {
		ru := runs[k]
		r := ru.r
		if r.Status == "" {
			r.Status = Fail
			ru.out.WriteString("\ndistlab merge: the run reported no result (its binary died?)\n")
		}
		r.Seed, r.Artifacts, r.Replay = ru.info.Seed, ru.info.Artifacts, ru.info.Replay
		r.Virtual, r.HasVirtual = ru.info.Virtual, ru.info.HasVirtual
		if r.Status == Fail {
			r.Output = ru.out.String()
		}
		s := sums[[2]string{k.pkg, k.test}]
		if s == nil {
			s = &Summary{Package: k.pkg, Test: k.test}
			sums[[2]string{k.pkg, k.test}] = s
			rep.Tests = append(rep.Tests, s)
		}
		s.Planned++
		s.add(r)
		if !pkgs[k.pkg] {
			pkgs[k.pkg] = true
			rep.Packages = append(rep.Packages, &Package{ImportPath: k.pkg})
		}
	}
	if len(rep.Tests) == 0 {
		return nil, fmt.Errorf("no test runs in %s", strings.Join(files, ", "))
	}
	return rep, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
