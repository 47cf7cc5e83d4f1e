package mutants

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"distlab/internal/runner"
)

// maxKillers is how many killing tests a row of the kill table names.
const maxKillers = 4

// WriteTable writes the kill table (a row per mutant: verdict, failed runs,
// the tests that killed it with how often), the tests ranked by how many
// mutants they kill, the replay-fidelity table when replays were made, and
// a one-line score.
func WriteTable(w io.Writer, r *Result) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "MUTANT\tVERDICT\tFAILED RUNS\tKILLED BY (failed/runs)")
	rows := r.Outcomes
	if r.Baseline != nil {
		rows = append([]*Outcome{r.Baseline}, rows...)
	}
	for _, o := range rows {
		v := "killed"
		switch {
		case o.Err != nil:
			v = "ERROR"
		case o.Mutant.Name == "(none)" && o.Killed:
			v = "FLAKY"
		case o.Mutant.Name == "(none)":
			v = "passes"
		case !o.Killed:
			v = "SURVIVED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", o.Mutant.Name, v, o.Failed, o.Runs, killers(o))
	}
	tw.Flush()
	if r.Baseline != nil && r.Baseline.Killed {
		fmt.Fprintln(w, "warning: the unmutated lab fails too: a kill by a test that fails there proves little")
	}
	if ranks := rankTests(r.Outcomes); len(ranks) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "TEST\tMUTANTS KILLED")
		for i, t := range ranks {
			if i == 8 {
				fmt.Fprintf(tw, "(%d more tests kill at least one)\t\n", len(ranks)-i)
				break
			}
			fmt.Fprintf(tw, "%s\t%d\n", t.test, t.kills)
		}
		tw.Flush()
	}
	writeFidelity(w, r)
	writeKept(w, r)
	killed, errs := 0, 0
	for _, o := range r.Outcomes {
		switch {
		case o.Err != nil:
			errs++
		case o.Killed:
			killed++
		}
	}
	fmt.Fprintln(w)
	tested := len(r.Outcomes) - errs
	fmt.Fprintf(w, "%s: %d of %d mutants killed (%s)", r.Package, killed, tested, percent(killed, tested))
	if errs > 0 {
		fmt.Fprintf(w, "; %d could not be tested", errs)
	}
	if r.Interrupted {
		fmt.Fprint(w, "; interrupted")
	}
	fmt.Fprintf(w, "; %s\n", runner.FormatDuration(r.Elapsed))
	for _, o := range r.Outcomes {
		if o.Err != nil {
			fmt.Fprintf(w, "\n%s: %v\n", o.Mutant.Name, o.Err)
		}
	}
}

// killers lists the tests that failed against o, most failures first.
func killers(o *Outcome) string {
	if o.Err != nil {
		return firstLine(o.Err.Error())
	}
	var ts []TestOutcome
	for _, t := range o.Tests {
		if t.Failures > 0 {
			ts = append(ts, t)
		}
	}
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Failures*ts[j].Runs > ts[j].Failures*ts[i].Runs })
	var parts []string
	for i, t := range ts {
		if i == maxKillers {
			parts = append(parts, fmt.Sprintf("+%d more", len(ts)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d/%d", t.Test, t.Failures, t.Runs))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

type testRank struct {
	test  string
	kills int
}

// rankTests counts, for each test, the mutants it killed.
func rankTests(outs []*Outcome) []testRank {
	kills := map[string]int{}
	for _, o := range outs {
		for _, t := range o.Tests {
			if t.Failures > 0 {
				kills[t.Test]++
			}
		}
	}
	var ranks []testRank
	for t, k := range kills {
		ranks = append(ranks, testRank{t, k})
	}
	sort.Slice(ranks, func(i, j int) bool {
		if ranks[i].kills != ranks[j].kills {
			return ranks[i].kills > ranks[j].kills
		}
		return ranks[i].test < ranks[j].test
	})
	return ranks
}

func writeFidelity(w io.Writer, r *Result) {
	var rows []*Outcome
	for _, o := range r.Outcomes {
		if o.Replay != nil {
			rows = append(rows, o)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "replay fidelity: each killed mutant's first failure re-run under its seed (and schedule):")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "MUTANT\tTEST\tSEED\tSCHEDULE\tREPRODUCED")
	runs, repro, unseeded := 0, 0, 0
	for _, o := range rows {
		rp := o.Replay
		if rp.Err != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t%s\n", o.Mutant.Name, rp.Test, orDash(rp.Seed), firstLine(rp.Err.Error()))
			continue
		}
		sched := "no"
		if rp.WithSchedule {
			sched = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d (%s)\n", o.Mutant.Name, rp.Test, orDash(rp.Seed), sched, rp.Reproduced, rp.Runs, percent(rp.Reproduced, rp.Runs))
		if rp.Seed == "" {
			unseeded++
			continue
		}
		runs += rp.Runs
		repro += rp.Reproduced
	}
	tw.Flush()
	fmt.Fprintf(w, "overall: %d/%d replays failed again (%s)", repro, runs, percent(repro, runs))
	if unseeded > 0 {
		fmt.Fprintf(w, "; not counted: %d failure(s) of tests without a seed", unseeded)
	}
	fmt.Fprintln(w)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func percent(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

// The JSON document of a mutation run (distlab mutants -json FILE).
type jsonResult struct {
	Package     string        `json:"package"`
	Catalogue   string        `json:"catalogue"`
	Interrupted bool          `json:"interrupted,omitempty"`
	ElapsedSec  float64       `json:"elapsed_s"`
	Baseline    *jsonOutcome  `json:"baseline,omitempty"`
	Mutants     []jsonOutcome `json:"mutants"`
	Killed      int           `json:"killed"`
	Tested      int           `json:"tested"`
	// Fidelity is the fraction of replays that failed again, over every
	// killed mutant whose replayed failure had a seed (null when none).
	Fidelity *float64 `json:"replay_fidelity"`
}

type jsonOutcome struct {
	Name    string        `json:"name"`
	Bug     string        `json:"bug,omitempty"`
	Error   string        `json:"error,omitempty"`
	Killed  bool          `json:"killed"`
	Runs    int           `json:"runs"`
	Failed  int           `json:"failed"`
	Tests   []TestOutcome `json:"tests"`
	First   *jsonFirst    `json:"first_failure,omitempty"`
	Replay  *jsonReplay   `json:"replay,omitempty"`
	WallSec float64       `json:"wall_s"`
}

type jsonFirst struct {
	Test      string `json:"test"`
	Iteration int    `json:"iteration"`
	Seed      string `json:"seed,omitempty"`
}

type jsonReplay struct {
	Runs         int    `json:"runs"`
	Reproduced   int    `json:"reproduced"`
	WithSchedule bool   `json:"with_schedule"`
	Error        string `json:"error,omitempty"`
}

// WriteJSON writes r as one JSON document.
func WriteJSON(w io.Writer, r *Result) error {
	conv := func(o *Outcome) jsonOutcome {
		j := jsonOutcome{Name: o.Mutant.Name, Bug: strings.TrimSpace(o.Mutant.Bug), Killed: o.Killed,
			Runs: o.Runs, Failed: o.Failed, Tests: o.Tests, WallSec: o.Wall.Seconds()}
		if j.Tests == nil {
			j.Tests = []TestOutcome{}
		}
		if o.Err != nil {
			j.Error = o.Err.Error()
		}
		if f := o.First; f != nil {
			j.First = &jsonFirst{Test: f.Test, Iteration: f.Iteration, Seed: f.Seed}
		}
		if rp := o.Replay; rp != nil {
			j.Replay = &jsonReplay{Runs: rp.Runs, Reproduced: rp.Reproduced, WithSchedule: rp.WithSchedule}
			if rp.Err != nil {
				j.Replay.Error = rp.Err.Error()
			}
		}
		return j
	}
	doc := jsonResult{Package: r.Package, Catalogue: r.Catalogue, Interrupted: r.Interrupted,
		ElapsedSec: r.Elapsed.Seconds(), Mutants: []jsonOutcome{}}
	if r.Baseline != nil {
		b := conv(r.Baseline)
		doc.Baseline = &b
	}
	runs, repro := 0, 0
	for _, o := range r.Outcomes {
		doc.Mutants = append(doc.Mutants, conv(o))
		if o.Err == nil {
			doc.Tested++
			if o.Killed {
				doc.Killed++
			}
		}
		if o.Replay != nil && o.Replay.Err == nil && o.Replay.Seed != "" {
			runs += o.Replay.Runs
			repro += o.Replay.Reproduced
		}
	}
	if runs > 0 {
		f := float64(repro) / float64(runs)
		doc.Fidelity = &f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writeKept lists, for each kept mutant's first failure with a schedule,
// the command that shrinks it.
func writeKept(w io.Writer, r *Result) {
	first := true
	for _, o := range r.Outcomes {
		if o.Overlay == "" || o.First == nil || o.First.Artifacts == "" {
			continue
		}
		if first {
			fmt.Fprintln(w)
			fmt.Fprintln(w, "to shrink a kept first failure:")
			first = false
		}
		fmt.Fprintf(w, "  distlab shrink -overlay %s %s\n", o.Overlay, o.First.Artifacts)
	}
}
