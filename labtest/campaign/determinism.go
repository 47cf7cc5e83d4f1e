package campaign

import (
	"context"
	"fmt"
)

// A Divergence is where two runs of one seed first differ.
type Divergence struct {
	Index        int    // of the first event that differs
	First, Again string // that event in the first run and in the second ("" past a run's end)
}

func (d Divergence) String() string {
	show := func(s string) string {
		if s == "" {
			return "(the run had ended)"
		}
		return s
	}
	return fmt.Sprintf("event %d: first run %s; second run %s", d.Index, show(d.First), show(d.Again))
}

// FirstDifference compares two runs' traces (their fingerprints: the
// schedule, each link's fault decisions and the history, one event a line,
// in order) and returns where they first differ, or nil if they are equal.
func FirstDifference(a, b []string) *Divergence {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return &Divergence{Index: i, First: x, Again: y}
		}
	}
	return nil
}

// twice runs seed twice and returns the first run's record, marked
// deterministic or not; a divergence (of the traces or of the verdicts) is
// described in Divergence.
func twice(ctx context.Context, run SeedRunner, seed int64) Record {
	r := run(ctx, seed)
	again := run(ctx, seed)
	d := FirstDifference(r.Trace, again.Trace)
	if d == nil && (r.Verdict != again.Verdict || r.Violation != again.Violation) {
		d = &Divergence{Index: len(r.Trace), First: "verdict " + r.Verdict + " " + r.Violation, Again: "verdict " + again.Verdict + " " + again.Violation}
	}
	det := d == nil
	r.Deterministic = &det
	if d != nil {
		r.Divergence = d.String()
	}
	r.Trace = nil
	return r
}
