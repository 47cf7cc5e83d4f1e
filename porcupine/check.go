package porcupine

import "time"

// CheckOperations reports whether history is linearizable with respect to
// model. It runs until it decides.
func CheckOperations(model Model, history []Operation) bool {
	res, _ := checkOperations(model, history, false, 0)
	return res == Ok
}

// CheckOperationsTimeout checks whether history is linearizable, giving up
// with Unknown after timeout. A timeout of 0 means no limit.
func CheckOperationsTimeout(model Model, history []Operation, timeout time.Duration) CheckResult {
	res, _ := checkOperations(model, history, false, timeout)
	return res
}

// CheckOperationsVerbose is CheckOperationsTimeout that also returns what it
// found — each partition's linearization, or its longest partial ones — for
// Visualize.
//
// To return early, once one partition is found Illegal the others get a
// bounded grace period (as long as the check has run so far, and at least one
// second) to finish their own searches; the info of a partition cut short
// holds the partial linearizations found until then.
func CheckOperationsVerbose(model Model, history []Operation, timeout time.Duration) (CheckResult, LinearizationInfo) {
	return checkOperations(model, history, true, timeout)
}

// CheckEvents reports whether history is linearizable with respect to model.
// A call event with no matching return event is a pending operation.
func CheckEvents(model Model, history []Event) bool {
	res, _ := checkEvents(model, history, false, 0)
	return res == Ok
}

// CheckEventsTimeout checks whether history is linearizable, giving up with
// Unknown after timeout. A timeout of 0 means no limit.
func CheckEventsTimeout(model Model, history []Event, timeout time.Duration) CheckResult {
	res, _ := checkEvents(model, history, false, timeout)
	return res
}

// CheckEventsVerbose is CheckEventsTimeout that also returns what it found,
// for Visualize; see CheckOperationsVerbose. The operations in the returned
// info have as timestamps the positions of their events in history.
func CheckEventsVerbose(model Model, history []Event, timeout time.Duration) (CheckResult, LinearizationInfo) {
	return checkEvents(model, history, true, timeout)
}

func checkOperations(model Model, history []Operation, verbose bool, timeout time.Duration) (CheckResult, LinearizationInfo) {
	byValue := model.Equal == nil && model.Hash == nil
	model = fillDefaults(model)
	if model.StepContext == nil {
		panic("porcupine: the Model has neither Step nor StepContext")
	}
	return checkPartitions(model, byValue, model.Partition(history), verbose, timeout)
}

func checkEvents(model Model, history []Event, verbose bool, timeout time.Duration) (CheckResult, LinearizationInfo) {
	byValue := model.Equal == nil && model.Hash == nil
	model = fillDefaults(model)
	if model.StepContext == nil {
		panic("porcupine: the Model has neither Step nor StepContext")
	}
	global := eventSpans(history)
	parts := model.PartitionEvent(history)
	ops := make([][]Operation, len(parts))
	for i, p := range parts {
		ops[i] = eventsToOperations(p, global)
	}
	return checkPartitions(model, byValue, ops, verbose, timeout)
}
