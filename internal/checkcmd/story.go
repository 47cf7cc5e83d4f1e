package checkcmd

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"distlab/porcupine"
)

// tellStory prints why a history is not linearizable, in the fewest lines
// that make the case: for the partition whose problem comes first in time,
// the longest linearizable prefix (each operation with the state after it;
// only the last maxSteps when maxSteps > 0) and the operation that cannot
// follow it. Times are durations when unit (one unit of the history's
// times) is known, else the integers they are.
func tellStory(w io.Writer, model porcupine.Model, info porcupine.LinearizationInfo, maxSteps int, unit time.Duration) error {
	e, err := porcupine.Explain(model, info)
	if err != nil {
		return err
	}
	first := -1
	var bad []int
	for p, pe := range e.Partitions {
		if pe.Linearizable || pe.CannotFollow < 0 {
			continue
		}
		bad = append(bad, p)
		if first < 0 || badReturn(pe) < badReturn(e.Partitions[first]) {
			first = p
		}
	}
	if first < 0 {
		fmt.Fprintln(w, "(no partition has a partial linearization to show)")
		return nil
	}
	pe := e.Partitions[first]
	times := newTimeFormat(unit, pe.Operations)
	completed := 0
	for _, op := range pe.Operations {
		if !op.Pending() {
			completed++
		}
	}
	where := ""
	if len(e.Partitions) > 1 {
		where = fmt.Sprintf(" (partition %d of %d)", first, len(e.Partitions))
	}
	fmt.Fprintf(w, "\nWhy%s: the longest linearizable prefix takes %d of %s,\neach shown with the state after it; then one operation cannot follow.\n\n",
		where, len(pe.Steps), plural(completed, "completed operation"))

	steps := pe.Steps
	skipped := 0
	if maxSteps > 0 && len(steps) > maxSteps {
		skipped = len(steps) - maxSteps
		steps = steps[skipped:]
	}
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tclient\tcall-return\toperation\tstate after")
	fmt.Fprintf(tw, "  0\t\t\t(initial state)\t%s\n", pe.InitialState)
	if skipped > 0 {
		fmt.Fprintf(tw, "  …\t\t\t(steps 1-%d: -steps 0 shows them)\t\n", skipped)
	}
	for k, s := range steps {
		op := pe.Operations[s.Op]
		fmt.Fprintf(tw, "  %d\t%d\t%s\t%s\t%s\n", skipped+k+1, op.ClientId, times.interval(op), s.Description, s.State)
	}
	state := pe.InitialState
	if len(pe.Steps) > 0 {
		state = pe.Steps[len(pe.Steps)-1].State
	}
	badOp := pe.Operations[pe.CannotFollow]
	fmt.Fprintf(tw, "  ✗\t%d\t%s\t%s\tcannot follow %s\n", badOp.ClientId, times.interval(badOp), pe.CannotFollowDescription, state)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n") {
		fmt.Fprintln(w, strings.TrimRight(line, " ")) // tabwriter pads the last cells
	}
	fmt.Fprintf(w, "\n%s (client %d, returned at %s) cannot follow: in state %s neither it\nnor any other operation that could come before it can take effect.\n",
		pe.CannotFollowDescription, badOp.ClientId, times.at(badOp.Return), state)
	if pe.PendingNeverTookEffect > 0 {
		fmt.Fprintf(w, "(%s left out of the prefix, as a pending operation may never take effect.)\n", plural(pe.PendingNeverTookEffect, "pending operation"))
	}
	undecided := 0
	for _, pe := range e.Partitions {
		if pe.Unknown {
			undecided++
		}
	}
	if undecided > 0 {
		fmt.Fprintf(w, "%s left undecided: the check stops once one is not linearizable.\n", plural(undecided, "other partition"))
	}
	if len(bad) > 1 {
		var others []string
		for _, p := range bad {
			if p != first {
				others = append(others, fmt.Sprint(p))
			}
		}
		fmt.Fprintf(w, "Also not linearizable: partition%s %s (see -html).\n", map[bool]string{true: "s", false: ""}[len(others) > 1], strings.Join(others, ", "))
	}
	return nil
}

func badReturn(pe porcupine.PartitionExplanation) int64 {
	return pe.Operations[pe.CannotFollow].Return
}
