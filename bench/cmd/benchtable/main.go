// Command benchtable turns the output of the bench module's benchmarks
// (go test -bench, with "ours" and "theirs" sub-benchmarks) into a Markdown
// table: benchmark, upstream's time, ours, the ratio, and extra metrics.
//
//	cd bench && go test -run '^$' -bench . -benchtime 10x | go run ./cmd/benchtable
//
// Times are CPU milliseconds per operation (user + system, all threads) when
// the benchmark reports cpu-ms/op over at least 5 ms in all, else wall time.
// With -count > 1, each figure is the smallest of the runs.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// result is one benchmark line's figures.
type result struct {
	n             int
	wallMs, cpuMs float64
	extra         map[string]float64
}

var line = regexp.MustCompile(`^Benchmark(\S+?)/(ours|theirs)(-\d+)?\s+(\d+)\s+(.*)$`)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var order []string
	rows := map[string]map[string]result{}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		m := line.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		name, side := m[1], m[2]
		n, _ := strconv.Atoi(m[4])
		r := result{n: n, extra: map[string]float64{}}
		fields := strings.Fields(m[5])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return fmt.Errorf("benchmark %s: value %q: %w", name, fields[i], err)
			}
			switch unit := fields[i+1]; unit {
			case "ns/op":
				r.wallMs = v / 1e6
			case "cpu-ms/op":
				r.cpuMs = v
			default:
				r.extra[unit] = v
			}
		}
		if rows[name] == nil {
			rows[name] = map[string]result{}
			order = append(order, name)
		}
		if old, seen := rows[name][side]; seen {
			r = smallest(old, r)
		}
		rows[name][side] = r
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintln(out, "| benchmark | theirs (ms) | ours (ms) | theirs/ours | clock | notes |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---|---|")
	for _, name := range order {
		t, o := rows[name]["theirs"], rows[name]["ours"]
		clock := "wall"
		if useCPU(t) && useCPU(o) {
			clock = "cpu"
		}
		tm, om := t.wallMs, o.wallMs
		if clock == "cpu" {
			tm, om = t.cpuMs, o.cpuMs
		}
		ratio := "—"
		if tm > 0 && om > 0 {
			ratio = fmt.Sprintf("%.1f×", tm/om)
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", name, ms(tm), ms(om), ratio, clock, notes(t, o))
	}
	return nil
}

// smallest keeps the smaller of each figure of two runs.
func smallest(a, b result) result {
	if b.wallMs < a.wallMs {
		a.wallMs = b.wallMs
	}
	if b.cpuMs < a.cpuMs {
		a.cpuMs = b.cpuMs
	}
	for k, v := range b.extra {
		if old, ok := a.extra[k]; !ok || v < old {
			a.extra[k] = v
		}
	}
	return a
}

// useCPU reports whether r's CPU time is long enough to be measured well.
func useCPU(r result) bool { return r.cpuMs > 0 && r.cpuMs*float64(r.n) >= 5 }

func ms(v float64) string {
	switch {
	case v == 0:
		return "—"
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func notes(t, o result) string {
	var parts []string
	for _, unit := range []string{"keys-decided", "peak-heap-MB"} {
		tv, tok := t.extra[unit]
		ov, ook := o.extra[unit]
		if tok || ook {
			parts = append(parts, fmt.Sprintf("%s: theirs %g, ours %g", unit, tv, ov))
		}
	}
	return strings.Join(parts, "; ")
}
