package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// A Rubric says how many points each test, or group of tests, is worth. It
// is read from JSON or TOML (by the file's extension):
//
//	runs = 10          # runs each test must pass (default 1)
//	partial = "none"   # "none": all or nothing; "tests": by tests that pass
//	                   # every run; "runs": by the fraction of passing runs
//
//	[[items]]
//	name = "3A: election"
//	tests = "TestInitialElection.*|TestNewLeaderElected.*"   # regexp, whole names
//	points = 10
//	runs = 20
//	partial = "tests"
//
//	[[items]]
//	test = "TestAgreementOnUnreliableNetwork"   # one test by its exact name
//	points = 5
//
// The JSON form has the same keys: {"runs": 10, "items": [{"test": ..., "points": 5}]}.
type Rubric struct {
	Runs    int    `json:"runs" toml:"runs"`       // passing runs each test needs, unless an item says; default 1
	Partial string `json:"partial" toml:"partial"` // default partial-credit rule of the items (a Partial constant)
	Items   []Item `json:"items" toml:"items"`     // what is graded, in the order of the score table
}

// An Item of a rubric: a test, or the tests whose names match a regexp,
// worth Points.
type Item struct {
	Name       string  `json:"name" toml:"name"`             // label; default: Test or Tests
	Test       string  `json:"test" toml:"test"`             // one test by its exact name
	Tests      string  `json:"tests" toml:"tests"`           // or a regexp matched against whole test names
	Points     float64 `json:"points" toml:"points"`         // what the item is worth
	Runs       int     `json:"runs" toml:"runs"`             // passing runs each test needs; 0: the rubric's
	Partial    string  `json:"partial" toml:"partial"`       // partial-credit rule; "": the rubric's
	Visibility string  `json:"visibility" toml:"visibility"` // for Gradescope; default "visible"

	re *regexp.Regexp
}

// The partial-credit rules.
const (
	PartialNone  = "none"  // all the points if every test passed every run, else none
	PartialTests = "tests" // points in proportion to the tests that passed every run
	PartialRuns  = "runs"  // points in proportion to the passing runs
)

// LoadRubric reads and checks a rubric file (.json or .toml).
func LoadRubric(path string) (*Rubric, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the rubric: %w", err)
	}
	var r Rubric
	switch strings.ToLower(filepath.Ext(path)) {
	case ".toml":
		md, err := toml.Decode(string(data), &r)
		if err != nil {
			return nil, fmt.Errorf("rubric %s: %w", path, err)
		}
		if undec := md.Undecoded(); len(undec) > 0 {
			return nil, fmt.Errorf("rubric %s: unknown key %q", path, undec[0].String())
		}
	case ".json":
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("rubric %s: %w", path, err)
		}
	default:
		return nil, fmt.Errorf("rubric %s: want a .json or .toml file", path)
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("rubric %s: %w", path, err)
	}
	return &r, nil
}

// check fills in defaults and refuses rubrics that cannot be meant.
func (r *Rubric) check() error {
	if r.Runs == 0 {
		r.Runs = 1
	}
	if r.Partial == "" {
		r.Partial = PartialNone
	}
	if r.Runs < 0 {
		return fmt.Errorf("runs must be positive, not %d", r.Runs)
	}
	if err := checkPartial(r.Partial); err != nil {
		return err
	}
	if len(r.Items) == 0 {
		return fmt.Errorf("no items: nothing to grade")
	}
	for i := range r.Items {
		it := &r.Items[i]
		where := fmt.Sprintf("item %d", i+1)
		switch {
		case it.Test != "" && it.Tests != "":
			return fmt.Errorf("%s: give test or tests, not both", where)
		case it.Test != "":
			it.re = regexp.MustCompile("^" + regexp.QuoteMeta(it.Test) + "$")
		case it.Tests != "":
			re, err := regexp.Compile("^(?:" + it.Tests + ")$")
			if err != nil {
				return fmt.Errorf("%s: tests %q is not a regexp: %w", where, it.Tests, err)
			}
			it.re = re
		default:
			return fmt.Errorf("%s: says neither test nor tests", where)
		}
		if it.Name == "" {
			it.Name = it.Test + it.Tests
		}
		if it.Points < 0 || math.IsNaN(it.Points) || math.IsInf(it.Points, 0) {
			return fmt.Errorf("%s (%s): points must be a number at least 0, not %v", where, it.Name, it.Points)
		}
		if it.Runs == 0 {
			it.Runs = r.Runs
		}
		if it.Runs < 0 {
			return fmt.Errorf("%s (%s): runs must be positive, not %d", where, it.Name, it.Runs)
		}
		if it.Partial == "" {
			it.Partial = r.Partial
		}
		if err := checkPartial(it.Partial); err != nil {
			return fmt.Errorf("%s (%s): %w", where, it.Name, err)
		}
		switch it.Visibility {
		case "":
			it.Visibility = "visible"
		case "visible", "hidden", "after_due_date", "after_published":
		default:
			return fmt.Errorf("%s (%s): unknown visibility %q (visible, hidden, after_due_date, after_published)", where, it.Name, it.Visibility)
		}
	}
	return nil
}

func checkPartial(p string) error {
	switch p {
	case PartialNone, PartialTests, PartialRuns:
		return nil
	}
	return fmt.Errorf("unknown partial-credit rule %q (none, tests or runs)", p)
}

// RunsFor returns the runs the rubric requires of a test: the most any
// item matching it asks for, 0 if none matches.
func (r *Rubric) RunsFor(pkg, test string) int {
	n := 0
	for _, it := range r.Items {
		if it.re.MatchString(test) {
			n = max(n, it.Runs)
		}
	}
	return n
}
