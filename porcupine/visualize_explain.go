package porcupine

import "fmt"

// An Explanation is the text form of a visualisation: for each partition of
// a checked history, its linearization (or its longest partial one) with the
// model's state after each step and, if the partition is not linearizable,
// the operation that cannot follow. It is what a person needs to see why a
// history is not linearizable.
type Explanation struct {
	Partitions []PartitionExplanation
}

// A PartitionExplanation explains one partition. Operations are given as
// ids (indices into Operations).
type PartitionExplanation struct {
	Operations   []Operation
	Linearizable bool
	// Unknown is set when the check stopped before deciding this partition
	// (a timeout, or another partition was already found illegal): Steps is
	// what it had found, and CannotFollow is -1.
	Unknown bool
	// InitialState is DescribeState of the model's initial state.
	InitialState string
	// Steps is the linearization, or the longest partial linearization
	// found: each operation in the order it takes effect, with the state
	// after it.
	Steps []ExplainedStep
	// CannotFollow is the operation that cannot follow Steps, or -1 when
	// the partition is linearizable: of the completed operations not in
	// Steps, the one that returns first. Every operation that could take
	// effect next was called before it returned, yet the model accepts none
	// of them in the state after Steps.
	CannotFollow int
	// CannotFollowDescription is DescribeOperation of that operation.
	CannotFollowDescription string
	// PendingNeverTookEffect counts pending operations left out of Steps.
	PendingNeverTookEffect int
}

// An ExplainedStep is one step of a (partial) linearization.
type ExplainedStep struct {
	Op          int    // the operation's id in its partition
	Description string // DescribeOperation
	State       string // DescribeState after it
}

// Explain describes a Verbose check's LinearizationInfo with the model's
// Describe functions, replaying each partition's best linearization with
// its Init and Step. A panic in one of the model's functions is returned as
// an error.
func Explain(model Model, info LinearizationInfo) (e *Explanation, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("porcupine: explaining: a model function panicked: %v", r)
		}
	}()
	d, err := computeVizData(model, info)
	if err != nil {
		return nil, fmt.Errorf("porcupine: explaining: %w", err)
	}
	e = &Explanation{}
	for p, vp := range d.Partitions {
		pe := PartitionExplanation{Operations: info.history[p], Linearizable: vp.OK, Unknown: vp.Unknown, InitialState: vp.InitState,
			CannotFollow: vp.Bad, PendingNeverTookEffect: vp.PendingOut}
		if vp.Best >= 0 {
			lin := vp.Lins[vp.Best]
			for k, id := range lin.Ops {
				pe.Steps = append(pe.Steps, ExplainedStep{Op: id, Description: vp.Ops[id].Desc, State: lin.States[k]})
			}
		}
		if vp.Bad >= 0 {
			pe.CannotFollowDescription = vp.Ops[vp.Bad].Desc
		}
		e.Partitions = append(e.Partitions, pe)
	}
	return e, nil
}
