package runner

import (
	"math"
	"time"
)

// A Summary gathers the runs of one test.
type Summary struct {
	Package  string    // import path
	Test     string    // top-level test name
	Planned  int       // runs asked for
	Runs     int       // runs done (interrupted runs do not count)
	Failures int       // runs that failed (timed out ones included)
	Skips    int       // runs in which the test skipped itself
	Failed   []*Result // the failing runs, in the order they ended
	Results  []*Result // every run, in the order they ended
	wall     moments
	virtual  moments
}

// moments accumulates the count, sum and sum of squares of durations, in
// seconds, for a mean and a standard deviation.
type moments struct {
	n          int
	sum, sumSq float64
}

func (m *moments) add(d time.Duration) {
	s := d.Seconds()
	m.n++
	m.sum += s
	m.sumSq += s * s
}

func (m moments) mean() time.Duration {
	if m.n == 0 {
		return 0
	}
	return seconds(m.sum / float64(m.n))
}

// sd is the sample standard deviation (0 for fewer than two samples).
func (m moments) sd() time.Duration {
	if m.n < 2 {
		return 0
	}
	mean := m.sum / float64(m.n)
	v := (m.sumSq - float64(m.n)*mean*mean) / float64(m.n-1)
	return seconds(math.Sqrt(max(v, 0)))
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func (s *Summary) add(r *Result) {
	s.Runs++
	s.Results = append(s.Results, r)
	switch r.Status {
	case Fail:
		s.Failures++
		s.Failed = append(s.Failed, r)
	case Skip:
		s.Skips++
	}
	s.wall.add(r.Wall)
	if r.HasVirtual {
		s.virtual.add(r.Virtual)
	}
}

// Passes is the number of runs that passed.
func (s *Summary) Passes() int { return s.Runs - s.Failures - s.Skips }

// Wall returns the mean and standard deviation of the runs' wall time.
func (s *Summary) Wall() (mean, sd time.Duration) { return s.wall.mean(), s.wall.sd() }

// Virtual returns the mean and standard deviation of the virtual time the
// runs reported, and how many runs reported one.
func (s *Summary) Virtual() (mean, sd time.Duration, n int) {
	return s.virtual.mean(), s.virtual.sd(), s.virtual.n
}
