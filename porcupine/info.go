package porcupine

import "time"

// LinearizationInfo is what a Verbose check found, for visualisation: the
// history split into partitions and, for each, the linearization (if the
// partition is linearizable) or the longest partial linearizations (if not),
// plus any annotations added by the caller.
//
// The zero value holds nothing. A LinearizationInfo is not safe for concurrent
// modification.
type LinearizationInfo struct {
	history     [][]Operation // per partition: its operations; an op's id is its index here
	partials    [][][]int     // per partition: maximal partial linearizations, each a sequence of op ids (a complete one if that partition is linearizable)
	annotations []Annotation
	verdicts    []CheckResult // per partition: its own verdict (Unknown if cut short)
	timeUnit    time.Duration // what one unit of the times is; 0: unknown
}

// PartialLinearizations returns, for each partition, a set of linearizations
// each given as a sequence of operation ids (an id is the operation's index in
// its partition). For a linearizable partition the set holds one complete
// linearization; for one that is not, the longest partial linearizations the
// check found: sequences of operations that can take effect in that order, and
// after which no further operation can. Pending operations that never took
// effect are absent from a complete linearization.
//
// The result shares memory with li; do not modify it.
func (li *LinearizationInfo) PartialLinearizations() [][][]int {
	return li.partials
}

// PartialLinearizationsOperations is PartialLinearizations with each id
// replaced by its Operation.
func (li *LinearizationInfo) PartialLinearizationsOperations() [][][]Operation {
	out := make([][][]Operation, len(li.partials))
	for p, lins := range li.partials {
		out[p] = make([][]Operation, len(lins))
		for i, lin := range lins {
			ops := make([]Operation, len(lin))
			for j, id := range lin {
				ops[j] = li.history[p][id]
			}
			out[p][i] = ops
		}
	}
	return out
}

// An Annotation is a mark to draw on a visualisation beside the history: an
// event such as a crash or a partition, on a client's lane (ClientId) or on a
// lane of its own named by Tag (for example "server 2" or "test"). Give either
// ClientId or Tag.
//
// Start and End are on the history's time axis; an End before Start (or left
// zero) makes a point in time at Start. Description is shown on the timeline
// and Details in its tooltip. TextColor and BackgroundColor are optional CSS
// colours such as "#efaefc".
type Annotation struct {
	ClientId        int
	Tag             string
	Start           int64
	End             int64
	Description     string
	Details         string
	TextColor       string
	BackgroundColor string
	_               struct{} // fields must be named, so that new ones can be added
}

// AddAnnotations adds annotations to be drawn by Visualize: faults, server
// events, or notes from a test framework. An End before Start is set to Start.
func (li *LinearizationInfo) AddAnnotations(annotations []Annotation) {
	for _, a := range annotations {
		if a.End < a.Start {
			a.End = a.Start
		}
		li.annotations = append(li.annotations, a)
	}
}

// SetTimeUnit tells Visualize what one unit of the operations' and the
// annotations' times is: time.Nanosecond for times taken with
// time.Duration.Nanoseconds or time.Time.UnixNano, time.Millisecond for
// milliseconds. The page then shows its time axis, the call, return and
// duration of each operation and the times of annotations as durations
// ("1.213 s", "379.3 ms", "12 µs"), with as many digits as the shown span
// needs. Without it, or with a unit <= 0, the unit is unknown and times are
// shown as the integers they are. It changes nothing else: the check and
// the history are the same.
func (li *LinearizationInfo) SetTimeUnit(unit time.Duration) {
	li.timeUnit = max(unit, 0)
}
