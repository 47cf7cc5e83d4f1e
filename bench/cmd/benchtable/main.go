// Command benchtable turns the output of the bench module's benchmarks
// (go test -bench, with "ours" and "theirs" sub-benchmarks) into a Markdown
// table: benchmark, upstream's time, ours, the ratio, and extra metrics.
//
//	cd bench && go test -run '^$' -bench . -benchtime 10x | go run ./cmd/benchtable
//
// Times are CPU milliseconds per operation (user + system, all threads) when
// the benchmark reports cpu-ms/op, else wall time.
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
	wallMs, cpuMs float64
	extra         map[string]float64
}

var line = regexp.MustCompile(`^Benchmark(\S+?)/(ours|theirs)(-\d+)?\s+\d+\s+(.*)$`)

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
		r := result{extra: map[string]float64{}}
		fields := strings.Fields(m[4])
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
		rows[name][side] = r
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintln(out, "| benchmark | theirs (ms) | ours (ms) | theirs/ours | notes |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---|")
	for _, name := range order {
		t, o := rows[name]["theirs"], rows[name]["ours"]
		tm, om := pick(t), pick(o)
		ratio := "—"
		if tm > 0 && om > 0 {
			ratio = fmt.Sprintf("%.1f×", tm/om)
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s |\n", name, ms(tm), ms(om), ratio, notes(t, o))
	}
	return nil
}

func pick(r result) float64 {
	if r.cpuMs > 0 {
		return r.cpuMs
	}
	return r.wallMs
}

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
