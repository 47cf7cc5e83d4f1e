package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// A Grade is the score of one rubric item.
type Grade struct {
	Item     *Item      // the rubric item graded
	Tests    []*Summary // the tests the item matched
	Passing  int        // tests that passed every one of at least Item.Runs runs
	Score    float64    // points earned, by the item's partial-credit rule
	MaxScore float64    // the item's points
	Output   string     // what a student reads: each test's runs and failures
}

// Grades scores rep against the rubric, one Grade per item, in the
// rubric's order. An item that matches no test that ran scores nothing
// and says so.
func (r *Rubric) Grades(rep *Report) []Grade {
	var gs []Grade
	for i := range r.Items {
		it := &r.Items[i]
		g := Grade{Item: it, MaxScore: it.Points}
		var out strings.Builder
		var fraction float64 // of the points earned
		for _, s := range rep.Tests {
			if it.re.MatchString(s.Test) {
				g.Tests = append(g.Tests, s)
			}
		}
		if len(g.Tests) == 0 {
			fmt.Fprintf(&out, "no test matches %q: was it run?\n", it.Test+it.Tests)
		}
		var runShare float64
		for _, s := range g.Tests {
			need := max(s.Runs, it.Runs)
			ok := s.Failures == 0 && s.Skips == 0 && s.Runs >= it.Runs
			if ok {
				g.Passing++
			}
			runShare += float64(s.Passes()) / float64(need)
			fmt.Fprintf(&out, "%s: %d of %d required runs passed", s.Test, min(s.Passes(), need), need)
			if s.Failures > 0 {
				fmt.Fprintf(&out, ", %d failed", s.Failures)
			}
			if s.Skips > 0 {
				fmt.Fprintf(&out, ", %d skipped", s.Skips)
			}
			out.WriteString("\n")
			for _, f := range s.Failed[:min(len(s.Failed), maxListedFailures)] {
				fmt.Fprintf(&out, "  run %d failed%s\n", f.Iteration, failureDetails(f))
			}
		}
		if n := len(g.Tests); n > 0 {
			switch it.Partial {
			case PartialNone:
				if g.Passing == n {
					fraction = 1
				}
			case PartialTests:
				fraction = float64(g.Passing) / float64(n)
			case PartialRuns:
				fraction = runShare / float64(n)
			}
		}
		g.Score = round2(it.Points * fraction)
		g.Output = out.String()
		gs = append(gs, g)
	}
	return gs
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// Total returns the points earned and the points possible.
func Total(gs []Grade) (score, possible float64) {
	for _, g := range gs {
		score += g.Score
		possible += g.MaxScore
	}
	return round2(score), round2(possible)
}

// WriteScores writes the score table: an item per row with its tests, how
// many passed, and its points; then the total.
func WriteScores(w io.Writer, gs []Grade) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ITEM\tTESTS PASSED\tRULE\tSCORE")
	for _, g := range gs {
		fmt.Fprintf(tw, "%s\t%d/%d\t%s\t%s/%s\n", g.Item.Name, g.Passing, len(g.Tests), ruleName(g.Item), num(g.Score), num(g.MaxScore))
	}
	score, possible := Total(gs)
	fmt.Fprintf(tw, "TOTAL\t\t\t%s/%s\n", num(score), num(possible))
	tw.Flush()
	for _, g := range gs {
		if len(g.Tests) == 0 {
			fmt.Fprintf(w, "warning: rubric item %q matches no test that ran\n", g.Item.Name)
		}
	}
}

func ruleName(it *Item) string {
	return fmt.Sprintf("%s, %d runs", it.Partial, it.Runs)
}

func num(x float64) string { return strings.TrimSuffix(fmt.Sprintf("%.2f", x), ".00") }

// gradescopeResults is the results.json that Gradescope's autograder reads.
type gradescopeResults struct {
	Score         float64          `json:"score"`
	ExecutionTime int              `json:"execution_time"`
	Output        string           `json:"output"`
	Visibility    string           `json:"visibility"`
	Tests         []gradescopeTest `json:"tests"`
}

type gradescopeTest struct {
	Name       string  `json:"name"`
	Score      float64 `json:"score"`
	MaxScore   float64 `json:"max_score"`
	Status     string  `json:"status"`
	Output     string  `json:"output"`
	Visibility string  `json:"visibility"`
}

// WriteGradescope writes the grades as Gradescope's results.json: a test
// per rubric item with its score, max_score, status and output.
func WriteGradescope(w io.Writer, gs []Grade, rep *Report) error {
	score, possible := Total(gs)
	res := gradescopeResults{
		Score:         score,
		ExecutionTime: int(rep.Elapsed.Seconds() + 0.5),
		Output:        fmt.Sprintf("distlab test: %s of %s points", num(score), num(possible)),
		Visibility:    "visible",
		Tests:         []gradescopeTest{},
	}
	if rep.Interrupted {
		res.Output += " (the run was interrupted; unfinished runs count as not passed)"
	}
	for _, g := range gs {
		status := "passed"
		if g.Score < g.MaxScore || len(g.Tests) == 0 {
			status = "failed"
		}
		res.Tests = append(res.Tests, gradescopeTest{Name: g.Item.Name, Score: g.Score, MaxScore: g.MaxScore,
			Status: status, Output: g.Output, Visibility: g.Item.Visibility})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("writing results.json: %w", err)
	}
	return nil
}

// WriteGradescopeFailure writes a results.json for a submission that could
// not be tested at all (it does not build, or has no code): every item of
// the rubric scores nothing, and output says why.
func WriteGradescopeFailure(w io.Writer, r *Rubric, output string) error {
	res := gradescopeResults{Output: output, Visibility: "visible", Tests: []gradescopeTest{}}
	for _, it := range r.Items {
		res.Tests = append(res.Tests, gradescopeTest{Name: it.Name, MaxScore: it.Points, Status: "failed",
			Output: "not run: the submission could not be tested", Visibility: it.Visibility})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("writing results.json: %w", err)
	}
	return nil
}
