package campaign

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// Merge reads the results files of a campaign's shards and returns their
// records by lab and seed. The same seed of a lab in two files is an error:
// the shards overlap, or a file was given twice.
func Merge(paths []string, warn io.Writer) ([]Record, error) {
	type key struct {
		lab  string
		seed int64
	}
	from := map[key]string{}
	var all []Record
	for _, p := range paths {
		rs, err := ReadRecords(p, warn)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			k := key{r.Lab, r.Seed}
			if prev, dup := from[k]; dup {
				return nil, fmt.Errorf("seed %d of %s is in both %s and %s: do the shards overlap?", r.Seed, r.Lab, prev, p)
			}
			from[k] = p
			all = append(all, r)
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Lab != all[j].Lab {
			return all[i].Lab < all[j].Lab
		}
		return all[i].Seed < all[j].Seed
	})
	return all, nil
}

// maxListedFailures bounds the failures table; the results file has them all.
const maxListedFailures = 50

// WriteSummary writes a row per lab (seeds, verdicts, operations, faults,
// virtual and wall time per seed), then a row per failed seed with what
// failed and the command that replays it.
func WriteSummary(w io.Writer, rs []Record) {
	type totals struct {
		seeds, ok, violations, errors, ops, faults int
		virtual, wall                              float64
		checked, deterministic                     int    // seeds run twice, and those whose runs agreed
		divergence                                 string // the first seed whose runs differed
	}
	var labs []string
	by := map[string]*totals{}
	var failed []Record
	for _, r := range rs {
		t := by[r.Lab]
		if t == nil {
			t = &totals{}
			by[r.Lab] = t
			labs = append(labs, r.Lab)
		}
		t.seeds++
		switch r.Verdict {
		case VerdictOK:
			t.ok++
		case VerdictViolation:
			t.violations++
		default:
			t.errors++
		}
		t.ops += r.Ops
		t.faults += r.Faults
		t.virtual += r.Virtual
		t.wall += r.Wall
		if r.Deterministic != nil {
			t.checked++
			if *r.Deterministic {
				t.deterministic++
			} else if t.divergence == "" {
				t.divergence = fmt.Sprintf("seed %d, %s", r.Seed, r.Divergence)
			}
		}
		if r.Failed() {
			failed = append(failed, r)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "LAB\tSEEDS\tOK\tVIOLATIONS\tERRORS\tOPS\tFAULTS\tVIRTUAL/SEED\tWALL/SEED")
	for _, lab := range labs {
		t := by[lab]
		n := float64(t.seeds)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", lab, t.seeds, t.ok, t.violations, t.errors, t.ops, t.faults,
			secs(t.virtual/n), secs(t.wall/n))
	}
	tw.Flush()
	for _, lab := range labs {
		if t := by[lab]; t.checked > 0 {
			fmt.Fprintf(w, "%s: %d of %d seeds deterministic (%.1f%%)", lab, t.deterministic, t.checked, 100*float64(t.deterministic)/float64(t.checked))
			if t.divergence != "" {
				fmt.Fprintf(w, "; first divergence: %s", truncate(t.divergence, 160))
			}
			fmt.Fprintln(w)
		}
	}
	if len(failed) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "FAILED SEED\tLAB\tVERDICT\tWHAT\tREPLAY")
	for i, r := range failed {
		if i == maxListedFailures {
			fmt.Fprintf(tw, "... %d more in the results\t\t\t\t\n", len(failed)-i)
			break
		}
		what := r.Violation
		if r.Detail != "" {
			if what != "" {
				what += ": "
			}
			what += truncate(r.Detail, 60)
		}
		replay := r.Replay
		if replay == "" && r.Artifacts != "" {
			replay = "distlab replay " + r.Artifacts
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Seed, r.Lab, r.Verdict, orDash(what), orDash(replay))
	}
	tw.Flush()
}

func secs(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond).String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
