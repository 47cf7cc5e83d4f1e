// Command samecheck times distlab/porcupine against upstream porcupine on
// identical inputs — every history of the bench module (see bench.Cases),
// with each operation that never returned given to both as one that returns
// after everything else — and prints a Markdown table per group: upstream's
// total, ours, the ratio, and the worst file's ratio. Ours is also timed on
// the pending-as-pending encoding, which only it accepts.
//
//	cd bench && go run ./cmd/samecheck            # every group, 5 runs
//	cd bench && go run ./cmd/samecheck -group etcd -v
//	cd bench && go run ./cmd/samecheck -steps -group unpartitioned
//
// Each figure is the smallest of -runs measurements of wall time (CPU time
// with -cpu), ours and upstream alternating; a measurement repeats a check until 20 ms have
// passed, so short checks are timed over many repetitions. A verdict that
// differs from the known one aborts the run.
//
// With -steps nothing is timed: each file is checked once by each checker,
// its model's Step wrapped in a counter, and a table gives the calls of Step,
// the distinct (state, operation) pairs among them and the distinct states.
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"sort"
	"syscall"
	"time"

	"distlab/bench"
)

func main() {
	runs := flag.Int("runs", 5, "measurements per file and checker (the smallest is kept)")
	group := flag.String("group", "", "only the groups matching this regular expression")
	file := flag.String("file", "", "only the files matching this regular expression")
	timeout := flag.Duration("timeout", time.Minute, "give up on one check after this long")
	verbose := flag.Bool("v", false, "print every file's figures")
	steps := flag.Bool("steps", false, "count what each checker asks of the model (calls of Step, distinct (state, operation) pairs, states) instead of timing")
	flag.BoolVar(&useCPU, "cpu", false, "measure CPU time (user + system, all threads) instead of wall time")
	flag.Parse()
	groupRe, err := regexp.Compile(*group)
	if err != nil {
		fail(err)
	}
	fileRe, err := regexp.Compile(*file)
	if err != nil {
		fail(err)
	}
	cases, missing := bench.Cases()
	for _, err := range missing {
		fmt.Fprintln(os.Stderr, "samecheck: left out:", err)
	}
	byGroup := map[string][]bench.Case{}
	for _, c := range cases {
		if groupRe.MatchString(c.Group) && fileRe.MatchString(c.Name) {
			byGroup[c.Group] = append(byGroup[c.Group], c)
		}
	}
	if *steps {
		countSteps(byGroup, *timeout)
		return
	}
	clock := "wall"
	if useCPU {
		clock = "CPU"
	}
	fmt.Printf("GOMAXPROCS=%d, %d runs, smallest %s time per check\n\n", runtime.GOMAXPROCS(0), *runs, clock)
	fmt.Println("| histories | files | upstream | ours | upstream / ours | worst file | ours, pending as pending |")
	fmt.Println("|---|---:|---:|---:|---:|---|---:|")
	undecided := map[string]bool{}
	for _, g := range bench.Groups {
		cs := byGroup[g]
		if len(cs) == 0 {
			continue
		}
		var sumT, sumO, sumP time.Duration
		worst, worstName := 0.0, ""
		var lines []string
		for _, c := range cs {
			t, o, p := measure(c, *runs, *timeout)
			sumT += t
			sumO += o
			if p > 0 {
				sumP += p
			} else {
				sumP += o
			}
			r := float64(t) / float64(o)
			if worstName == "" || r < worst {
				worst, worstName = r, c.Name
			}
			note := ""
			for i, who := range []string{"upstream", "ours", "ours pending"} {
				if timedOut[c.Group+"/"+c.Name+fmt.Sprint(i)] {
					note += " " + who + " undecided in " + timeout.String() + ";"
					undecided[g] = true
				}
			}
			lines = append(lines, fmt.Sprintf("  %-28s %6d ops  upstream %10s  ours %10s  %7.2f×  pending %10s%s", c.Name, c.Ops, t, o, r, p, note))
		}
		if *verbose {
			sort.Strings(lines)
			for _, l := range lines {
				fmt.Fprintln(os.Stderr, l)
			}
		}
		more := ""
		if undecided[g] {
			more = " (undecided checks counted at the timeout)"
		}
		fmt.Printf("| %s%s | %d | %s | %s | %.1f× | %.2f× (%s) | %s |\n", g, more, len(cs), ms(sumT), ms(sumO),
			float64(sumT)/float64(sumO), worst, worstName, ms(sumP))
	}
}

// countSteps prints, for each case, what each checker asked of the model
// in one check.
func countSteps(byGroup map[string][]bench.Case, timeout time.Duration) {
	fmt.Println("| history | ops | checker | verdict | Step calls | distinct (state, op) | distinct states |")
	fmt.Println("|---|---:|---|---|---:|---:|---:|")
	for _, g := range bench.Groups {
		for _, c := range byGroup[g] {
			ours, theirs, ov, tv := c.CountSteps(timeout)
			for _, r := range []struct {
				who, verdict string
				n            bench.StepCount
			}{{"upstream", tv, theirs}, {"ours", ov, ours}} {
				fmt.Printf("| %s %s | %d | %s | %s | %d | %d | %d |\n", g, c.Name, c.Ops, r.who, r.verdict, r.n.Calls, r.n.Pairs, r.n.States)
			}
		}
	}
}

// measure returns the smallest time per check of upstream, ours, and ours
// on pending operations (0 when the history has none), after checking the
// verdicts.
func measure(c bench.Case, runs int, timeout time.Duration) (theirs, ours, pending time.Duration) {
	want := "Illegal"
	if c.Want {
		want = "Ok"
	}
	checks := []func(time.Duration) string{c.Theirs, c.Ours, c.OursPending}
	best := make([]time.Duration, 3)
	for r := 0; r < runs; r++ {
		for i, check := range checks {
			if check == nil || timedOut[c.Group+"/"+c.Name+fmt.Sprint(i)] {
				continue
			}
			d, got := timeCheck(check, timeout)
			if got == "Unknown" {
				// Undecided within the timeout: the time is a lower bound.
				timedOut[c.Group+"/"+c.Name+fmt.Sprint(i)] = true
				best[i] = timeout
				continue
			}
			if got != want {
				fail(fmt.Errorf("%s/%s: checker %d says %s, want %s", c.Group, c.Name, i, got, want))
			}
			if r == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	return best[0], best[1], best[2]
}

// timedOut records the checks (group/name + checker index) that did not
// decide within the timeout.
var timedOut = map[string]bool{}

// timeCheck runs check until 20 ms have passed and returns the time per
// check and its verdict.
func timeCheck(check func(time.Duration) string, timeout time.Duration) (time.Duration, string) {
	runtime.GC()
	start, startCPU := time.Now(), cpuTime()
	n := 0
	var got string
	for {
		got = check(timeout)
		n++
		if el := time.Since(start); el >= 20*time.Millisecond || got == "Unknown" {
			if useCPU {
				return (cpuTime() - startCPU) / time.Duration(n), got
			}
			return el / time.Duration(n), got
		}
	}
}

// useCPU: measure CPU time (user and system, all threads) rather than wall
// time; on a loaded machine it is the steadier of the two.
var useCPU bool

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) string {
	v := float64(d) / 1e6
	switch {
	case v < 1:
		return fmt.Sprintf("%.3f ms", v)
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "samecheck:", err)
	os.Exit(1)
}
