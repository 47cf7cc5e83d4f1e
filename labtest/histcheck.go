package labtest

import (
	"bytes"
	"time"

	"distlab/porcupine"
)

// defaultCheckTimeout is the real-time limit of History.Check when given 0.
const defaultCheckTimeout = time.Minute

// Check checks the history with porcupine against model, with a limit of
// timeout of real time (0: a minute). The check runs outside the
// virtual clock: it takes no test time. An Illegal history fails the test
// (the artefacts then hold history.json and history.html, with the
// schedule's faults drawn on the timeline); Unknown (out of time) is logged
// and does not fail it. Check returns the verdict.
func (h *History) Check(model porcupine.Model, timeout time.Duration) porcupine.CheckResult {
	if timeout <= 0 {
		timeout = defaultCheckTimeout
	}
	ops := h.Operations()
	var res porcupine.CheckResult
	var info porcupine.LinearizationInfo
	h.w.outside.do(func() { res, info = porcupine.CheckOperationsVerbose(model, ops, timeout) })
	h.mu.Lock()
	h.model, h.result, h.info = &model, res, &info
	h.mu.Unlock()
	t := h.w.t
	switch res {
	case porcupine.Illegal:
		t.Errorf("labtest: the history of %d operations is not linearizable (see %s in the artefacts)", len(ops), HistoryHTMLFile)
	case porcupine.Unknown:
		t.Logf("labtest: the linearizability check of %d operations ran out of time (%v); no verdict", len(ops), timeout)
	}
	return res
}

// renderHistory draws a checked history with the schedule's faults.
func renderHistory(w *World, model porcupine.Model, info porcupine.LinearizationInfo, notes []porcupine.Annotation) ([]byte, error) {
	info.AddAnnotations(notes)
	info.SetTimeUnit(time.Nanosecond) // times are nanoseconds since the test started
	var page bytes.Buffer
	var err error
	w.outside.do(func() { err = porcupine.Visualize(model, info, &page) })
	return page.Bytes(), err
}
