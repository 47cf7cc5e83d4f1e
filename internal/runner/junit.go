package runner

import (
	"encoding/xml"
	"fmt"
	"io"
)

// The JUnit XML schema as CI servers read it: a suite per package, a case
// per run, named Test#iteration.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes rep as JUnit XML: a testsuite per package and a
// testcase per run, "TestName#3" for the third run, with a failing run's
// whole output in its failure element.
func WriteJUnit(w io.Writer, rep *Report) error {
	root := junitSuites{Name: "distlab test", Time: secs(rep.Elapsed.Seconds())}
	for _, p := range rep.Packages {
		suite := junitSuite{Name: p.ImportPath}
		var total float64
		for _, s := range rep.Tests {
			if s.Package != p.ImportPath {
				continue
			}
			for _, r := range s.Results {
				c := junitCase{Name: fmt.Sprintf("%s#%d", r.Test, r.Iteration), Classname: r.Package, Time: secs(r.Wall.Seconds())}
				switch r.Status {
				case Fail:
					msg := fmt.Sprintf("run %d failed", r.Iteration)
					if r.TimedOut {
						msg = fmt.Sprintf("run %d timed out", r.Iteration)
					}
					if r.Seed != "" {
						msg += " (seed " + r.Seed + ")"
					}
					c.Failure = &junitFailure{Message: msg, Type: "fail", Body: r.Output}
					suite.Failures++
				case Skip:
					c.Skipped = &junitSkipped{Message: "skipped"}
					suite.Skipped++
				}
				total += r.Wall.Seconds()
				suite.Tests++
				suite.Cases = append(suite.Cases, c)
			}
		}
		suite.Time = secs(total)
		root.Tests += suite.Tests
		root.Failures += suite.Failures
		root.Skipped += suite.Skipped
		root.Suites = append(root.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func secs(s float64) string { return fmt.Sprintf("%.3f", s) }
