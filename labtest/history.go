package labtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
// visualisation, as intervals from a fault to its repair (or the end of the
// test): a crash until the restart, and a disconnection until the
// reconnection, on the server's lane; a partition until the next partition
// or heal, and a cut until the heal, on the cluster's lane; a network mode
// while it is on, on the "network" lane. Heals are points.
func (w *World) annotations() []porcupine.Annotation {
	const (
		faultColour  = "#f8c4c4"
		modeColour   = "#f0e4b0"
		repairColour = "#c4f0c8"
	)
	end := w.Now().Nanoseconds()
	var out []porcupine.Annotation
	open := map[string]int{} // what is open → its index in out
	begin := func(key, tag, desc, colour string, e Event) {
		if _, ok := open[key]; ok {
			return
		}
		open[key] = len(out)
		out = append(out, porcupine.Annotation{Tag: tag, Start: e.At.Nanoseconds(), End: end, Description: desc,
			Details: fmt.Sprintf("%s at %v (by %s)", e.String(), e.At, e.By), BackgroundColor: colour})
	}
	finish := func(key string, e Event) {
		if k, ok := open[key]; ok {
			out[k].End = e.At.Nanoseconds()
			out[k].Details += fmt.Sprintf("; %s at %v (by %s)", e.String(), e.At, e.By)
			delete(open, key)
		}
	}
	for _, e := range w.Schedule().Events {
		srv := serverName(e.Cluster, e.Server)
		lane := e.Cluster + " network"
		switch e.Kind {
		case KindCrash:
			begin("crash "+srv, srv, "crashed", faultColour, e)
		case KindRestart:
			finish("crash "+srv, e)
		case KindDisconnect:
			begin("disconnect "+srv, srv, "disconnected", faultColour, e)
		case KindConnect:
			finish("disconnect "+srv, e)
		case KindPartition:
			finish("partition "+e.Cluster, e)
			begin("partition "+e.Cluster, lane, e.String(), faultColour, e)
		case KindCut:
			begin(e.String(), lane, e.String(), faultColour, e)
		case KindHeal:
			for key := range open {
				c := e.Cluster
				if key == "partition "+c || strings.HasPrefix(key, "cut "+c+"-") ||
					strings.HasPrefix(key, "disconnect "+c+"-") {
					finish(key, e)
				}
			}
			out = append(out, porcupine.Annotation{Tag: lane, Start: e.At.Nanoseconds(), Description: e.String(),
				Details: fmt.Sprintf("%s at %v (by %s)", e.String(), e.At, e.By), BackgroundColor: repairColour})
		case KindReliable:
			if e.On {
				finish("unreliable", e)
			} else {
				begin("unreliable", "network", "unreliable", modeColour, e)
			}
		case KindLongReordering, KindLongDelays:
			if e.On {
				begin(e.Kind, "network", e.Kind, modeColour, e)
			} else {
				finish(e.Kind, e)
			}
		}
	}
	return out
}

// checkedHistory returns the test's history (nil if it recorded none), its
// operations, and its model and check result when a model is known (Check
// or SetModel). A history with a model that was not checked yet (the test
// failed before Check) is checked now, once.
func (w *World) checkedHistory() (*History, []porcupine.Operation, *porcupine.Model, *porcupine.LinearizationInfo) {
	w.mu.Lock()
	h := w.history
	w.mu.Unlock()
	if h == nil {
		return nil, nil, nil, nil
	}
	ops := h.Operations()
	h.mu.Lock()
	model, info := h.model, h.info
	h.mu.Unlock()
	if model != nil && info == nil {
		var li porcupine.LinearizationInfo
		var res porcupine.CheckResult
		w.outside.do(func() { res, li = porcupine.CheckOperationsVerbose(*model, ops, DefaultCheckTimeout) })
		info = &li
		h.mu.Lock()
		h.result, h.info = res, info
		h.mu.Unlock()
	}
	return h, ops, model, info
}

// writeHistoryArtifacts writes history.json and, when a model is known
// (Check or SetModel), history.html to dir.
func (w *World) writeHistoryArtifacts(dir string) error {
	h, ops, model, info := w.checkedHistory()
	if h == nil {
		return nil
	}
	h.mu.Lock()
	name := h.modelName
	h.mu.Unlock()
	notes := w.annotations()
	ph, err := porcupine.NewHistory(name, ops, notes)
	if err != nil {
		return fmt.Errorf("encoding the history: %w", err)
	}
	ph.TimeUnit = "ns" // times are nanoseconds since the test started
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
	page, err := renderHistory(w, *model, *info, notes)
	if err != nil {
		return fmt.Errorf("visualising the history: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, HistoryHTMLFile), page, 0o644); err != nil {
		return fmt.Errorf("writing the history page: %w", err)
	}
	return nil
}
