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

// annotations turns the schedule's faults into annotations of the
// visualisation, as intervals from a fault to its repair, or to its end for
// a fault that lasts a given time, or to the end of the test: on the
// server's lane for a fault of one server (a crash until the restart), on
// the cluster's network lane for a partition (until the next one or a
// heal), a cut or a link fault, and on the "network" lane for a network
// mode. Heals are points. What repairs what comes from the table of fault
// kinds.
func (w *World) annotations() []porcupine.Annotation {
	const (
		faultColour  = "#f8c4c4"
		modeColour   = "#f0e4b0"
		repairColour = "#c4f0c8"
	)
	end := w.Now().Nanoseconds()
	type span struct {
		at      int    // index in out
		kind    string // the fault's kind
		cluster string
	}
	var out []porcupine.Annotation
	open := map[string]span{} // what is open, by key
	details := func(e Event) string { return fmt.Sprintf("%s at %v (by %s)", e.String(), e.At, e.By) }
	finish := func(key string, e Event) {
		if s, ok := open[key]; ok {
			out[s.at].End = min(out[s.at].End, e.At.Nanoseconds())
			out[s.at].Details += "; " + details(e)
			delete(open, key)
		}
	}
	for _, e := range w.Schedule().Events {
		k, ok := kindsByName[e.Kind]
		if !ok {
			continue
		}
		lane, family := e.Cluster+" network", e.Kind
		switch {
		case k.args&argServer != 0:
			lane = serverName(e.Cluster, e.Server)
		case k.args&argOn != 0:
			lane = "network"
		}
		if k.repairs != "" {
			family = k.repairs
		}
		key := family + " " + lane
		if k.args&argLink != 0 {
			key = family + " " + serverName(e.Cluster, e.From) + " -> " + serverName(e.Cluster, e.To)
		}
		switch {
		case e.IsFault():
			finish(key, e) // a partition ends the one before
			a := porcupine.Annotation{Tag: lane, Start: e.At.Nanoseconds(), End: end, Description: k.label,
				Details: details(e), BackgroundColor: faultColour}
			if a.Description == "" {
				a.Description = e.String()
			}
			if lane == "network" {
				a.BackgroundColor = modeColour
			}
			if e.For > 0 {
				a.End = min(end, (e.At + e.For).Nanoseconds())
			}
			open[key] = span{at: len(out), kind: e.Kind, cluster: e.Cluster}
			out = append(out, a)
		case k.repairs == "*": // heal: ends what Heal removes
			for key, s := range open {
				if s.cluster == e.Cluster && kindsByName[s.kind].heal != nil {
					finish(key, e)
				}
			}
			out = append(out, porcupine.Annotation{Tag: lane, Start: e.At.Nanoseconds(), Description: e.String(),
				Details: details(e), BackgroundColor: repairColour})
		default:
			finish(key, e)
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
		w.outside.do(func() { res, li = porcupine.CheckOperationsVerbose(*model, ops, defaultCheckTimeout) })
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
