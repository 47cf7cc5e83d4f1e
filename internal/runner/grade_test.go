package runner

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const rubricJSON = `{
  "runs": 4,
  "items": [
    {"test": "TestPass", "points": 2},
    {"test": "TestFail", "points": 3},
    {"name": "sometimes, by runs", "test": "TestSometimes", "points": 5, "partial": "runs"},
    {"name": "pass and sometimes, by tests", "tests": "TestPass|TestSometimes", "points": 4, "partial": "tests", "visibility": "after_due_date"},
    {"name": "needs more runs", "test": "TestPass", "points": 1, "runs": 6},
    {"name": "not in this package", "test": "TestElection", "points": 1}
  ]
}`

const rubricTOML = `runs = 4

[[items]]
test = "TestPass"
points = 2

[[items]]
test = "TestFail"
points = 3

[[items]]
name = "sometimes, by runs"
test = "TestSometimes"
points = 5
partial = "runs"

[[items]]
name = "pass and sometimes, by tests"
tests = "TestPass|TestSometimes"
points = 4
partial = "tests"
visibility = "after_due_date"

[[items]]
name = "needs more runs"
test = "TestPass"
points = 1
runs = 6

[[items]]
name = "not in this package"
test = "TestElection"
points = 1
`

func TestRubricScoresAndGradescopeResults(t *testing.T) {
	for _, tc := range []struct{ file, body string }{
		{"rubric.json", rubricJSON},
		{"rubric.toml", rubricTOML},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := writeFixture(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.body), 0o644))
			status, out, errOut := runCommand(t, dir, "-rubric", tc.file, "-results", "out/results.json", "-p", "1")
			require.Equal(t, 1, status, "%s%s", out, errOut)
			// TestPass ran 6 times, as "needs more runs" asks; the others 4.
			require.Contains(t, out, "running 3 tests, 14 runs")
			checkGolden(t, "scores.golden", normalize(out[stringsIndex(out, "ITEM"):], dir))

			data, err := os.ReadFile(filepath.Join(dir, "out", "results.json"))
			require.NoError(t, err)
			var res gradescopeResults
			require.NoError(t, json.Unmarshal(data, &res))
			require.Equal(t, 2+0+2.5+2+1+0.0, res.Score)
			type row struct {
				Name       string
				Score, Max float64
				Status     string
				Visibility string
			}
			var rows []row
			for _, tt := range res.Tests {
				rows = append(rows, row{tt.Name, tt.Score, tt.MaxScore, tt.Status, tt.Visibility})
			}
			require.Equal(t, []row{
				{"TestPass", 2, 2, "passed", "visible"},
				{"TestFail", 0, 3, "failed", "visible"},
				{"sometimes, by runs", 2.5, 5, "failed", "visible"},
				{"pass and sometimes, by tests", 2, 4, "failed", "after_due_date"},
				{"needs more runs", 1, 1, "passed", "visible"},
				{"not in this package", 0, 1, "failed", "visible"},
			}, rows)
			require.Contains(t, res.Tests[2].Output, "TestSometimes: 2 of 4 required runs passed, 2 failed")
			require.Contains(t, res.Tests[5].Output, `no test matches "TestElection"`)
		})
	}
}

func stringsIndex(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return 0
}

func TestInterruptedRunsCountAsNotPassed(t *testing.T) {
	r := &Rubric{Runs: 10, Items: []Item{{Test: "TestA", Points: 10, Partial: PartialRuns}}}
	require.NoError(t, r.check())
	rep := &Report{Tests: []*Summary{{Test: "TestA", Planned: 10, Runs: 4}}, Interrupted: true}
	gs := r.Grades(rep)
	require.Equal(t, 4.0, gs[0].Score, "4 passing runs of the 10 required earn 4/10 of the points")
	require.Equal(t, 0, gs[0].Passing)
}

func TestBadRubricsAreRefusedWithTheReason(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, body, want string }{
		{"a.json", `{"items": [{"test": "TestA", "points": 1, "pionts": 2}]}`, `unknown field "pionts"`},
		{"b.toml", "[[items]]\ntest = \"TestA\"\npionts = 2\n", `unknown key "items.pionts"`},
		{"c.json", `{"items": []}`, "no items"},
		{"d.json", `{"items": [{"points": 1}]}`, "item 1: says neither test nor tests"},
		{"e.json", `{"items": [{"tests": "Test(", "points": 1}]}`, `item 1: tests "Test(" is not a regexp`},
		{"f.json", `{"partial": "some", "items": [{"test": "A"}]}`, `unknown partial-credit rule "some"`},
		{"g.json", `{"items": [{"test": "A", "points": -1}]}`, "points must be a number at least 0, not -1"},
		{"j.toml", "[[items]]\ntest = \"A\"\npoints = nan\n", "points must be a number at least 0, not NaN"},
		{"k.toml", "[[items]]\ntest = \"A\"\npoints = inf\n", "points must be a number at least 0, not +Inf"},
		{"h.yaml", `items: []`, "want a .json or .toml file"},
		{"i.toml", "runs = [", "b.toml"},
	} {
		path := filepath.Join(dir, tc.name)
		require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o644))
		_, err := LoadRubric(path)
		require.Error(t, err, tc.name)
		if tc.name != "i.toml" {
			require.Contains(t, err.Error(), tc.want, tc.name)
		}
		require.Contains(t, err.Error(), tc.name, "the error names the file")
	}
}

func TestManualsRubricExamplesLoadAndAgree(t *testing.T) {
	dir := t.TempDir()
	var loaded []*Rubric
	for name, body := range map[string]string{"rubric.toml": exampleTOML, "rubric.json": exampleJSON} {
		body = strings.ReplaceAll(body, "\n\t", "\n")
		body = strings.TrimPrefix(body, "\t")
		body = body[strings.Index(body, "\n")+1:] // the "# ..." title line
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		r, err := LoadRubric(path)
		require.NoError(t, err, name)
		loaded = append(loaded, r)
	}
	require.Equal(t, loaded[0].Items[0].Name, loaded[1].Items[0].Name)
	for i := range loaded[0].Items {
		a, b := loaded[0].Items[i], loaded[1].Items[i]
		a.re, b.re = nil, nil
		require.Equal(t, a, b)
	}
	require.Equal(t, 30, loaded[0].RunsFor("distlab/raft", "TestAgreementOnUnreliableNetwork"))
}
