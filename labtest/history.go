package labtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"distlab/porcupine"
)

// A History records the operations that a test's clients observe: for each,
// the client, the input, the output, and the call and return times on the
// test's clock (nanoseconds since the test started). An operation that
// never returns (its client gave up, was crashed, or the test ended first)
// stays pending: porcupine treats it as having taken effect at any time
// after its call, or never. A History is safe for concurrent use.
//
// Record wraps one call of a clerk:
//
//	h := labtest.WorldOf(t).History()
//	v := labtest.Record(h, cl.ID(), models.KvInput{Op: models.OpGet, Key: "x"},
//		func() models.KvOutput { return models.KvOutput{Value: ck.Get("x")} })
//	...
//	h.Check(models.KvModel, 0) // at the end: fails the test if not linearizable
type History struct {
	w  *World
	mu sync.Mutex
	// guarded by mu
	ops       []porcupine.Operation
	modelName string
	model     *porcupine.Model
	result    porcupine.CheckResult
	info      *porcupine.LinearizationInfo
}

// History returns the test's history, made on first use.
func (w *World) History() *History {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.history == nil {
		w.history = &History{w: w}
	}
	return w.history
}

// An Op is an operation in progress, returned by History.Begin.
type Op struct {
	h *History
	i int
}

// Begin records the call of an operation by client (its lane in the
// visualisation; Client.ID is a good choice) with the given input, now.
// Inputs and outputs are stored in history.json with encoding/json, so
// give them exported fields.
func (h *History) Begin(client int, input any) *Op {
	now := h.w.Now().Nanoseconds()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: input, Call: now, Return: porcupine.NoReturn})
	return &Op{h: h, i: len(h.ops) - 1}
}

// End records the operation's return with its output, now. An Op that is
// never ended stays pending.
func (o *Op) End(output any) {
	now := o.h.w.Now().Nanoseconds()
	o.h.mu.Lock()
	defer o.h.mu.Unlock()
	op := &o.h.ops[o.i]
	op.Output, op.Return = output, now
}

// Record runs f as one operation of client with the given input and
// records its call, its output and its return. If f never returns, the
// operation stays pending.
func Record[I, O any](h *History, client int, input I, f func() O) O {
	op := h.Begin(client, input)
	out := f()
	op.End(out)
	return out
}

// Operations returns a copy of the operations recorded so far, pending ones
// with Return == porcupine.NoReturn.
func (h *History) Operations() []porcupine.Operation {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]porcupine.Operation(nil), h.ops...)
}

// SetModel sets the model that the artefacts of a failing test use to draw
// the history (history.html), even when the test failed before calling
// Check, and its name in history.json (e.g. "kv").
func (h *History) SetModel(name string, model porcupine.Model) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.modelName, h.model = name, &model
}

// SetModelName sets the model name written into history.json (e.g. "kv"),
// so that "distlab check" knows how to re-check the file.
func (h *History) SetModelName(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.modelName = name
}

// annotations turns the schedule's faults into annotations of the
// visualisation: server events on the server's lane, network events on a
// "network" lane.
func (w *World) annotations() []porcupine.Annotation {
	var out []porcupine.Annotation
	for _, e := range w.Schedule().Events {
		a := porcupine.Annotation{Start: e.At.Nanoseconds(), Description: e.String(),
			Details: fmt.Sprintf("%s at %v (by %s)", e.String(), e.At, e.By), Tag: "network"}
		switch e.Kind {
		case KindCrash, KindRestart, KindDisconnect, KindConnect:
			a.Tag = serverName(e.Cluster, e.Server)
		}
		switch e.Kind {
		case KindCrash, KindDisconnect, KindPartition, KindCut:
			a.BackgroundColor = "#f8c4c4"
		case KindRestart, KindConnect, KindHeal:
			a.BackgroundColor = "#c4f0c8"
		default:
			a.BackgroundColor = "#f0e4b0"
		}
		out = append(out, a)
	}
	return out
}

// writeHistoryArtifacts writes history.json and, when a model is known
// (Check or SetModel), history.html to dir.
func (w *World) writeHistoryArtifacts(dir string) error {
	w.mu.Lock()
	h := w.history
	w.mu.Unlock()
	if h == nil {
		return nil
	}
	ops := h.Operations()
	h.mu.Lock()
	name, model, info := h.modelName, h.model, h.info
	h.mu.Unlock()
	notes := w.annotations()
	ph, err := porcupine.NewHistory(name, ops, notes)
	if err != nil {
		return fmt.Errorf("encoding the history: %w", err)
	}
	var b bytes.Buffer
	if err := porcupine.WriteHistory(&b, ph); err != nil {
		return fmt.Errorf("encoding the history: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, HistoryFile), b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the history: %w", err)
	}
	if model == nil {
		return nil
	}
	if info == nil {
		// SetModel, but the test failed before Check: check now, to draw.
		var li porcupine.LinearizationInfo
		w.outside.do(func() { _, li = porcupine.CheckOperationsVerbose(*model, ops, DefaultCheckTimeout) })
		info = &li
	}
	page, err := renderHistory(w, *model, *info, notes)
	if err != nil {
		return fmt.Errorf("visualising the history: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, HistoryHTMLFile), page, 0o644); err != nil {
		return fmt.Errorf("writing the history page: %w", err)
	}
	return nil
}
