package labtest

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"distlab/internal/env"
	"distlab/labtest/report"
	"distlab/porcupine"
)

// EnvTrace sets the run report's message ring: "0" (or "off") records no
// messages, a number keeps the last that many (default
// report.DefaultRing).
const EnvTrace = env.Trace

// EnvReport names a folder where every test, passing or failing, writes
// its run report: DIR/<test>/report.html, or DIR/report.html for a body
// run by Main (a command's one run). Failing tests write theirs into their
// artefacts as well.
const EnvReport = env.Report

// startRecorder makes the test's recorder and installs it as the network's
// observer (unless DISTLAB_TRACE=0). It runs in bind, on the test's clock.
func (w *World) startRecorder() error {
	n, set, err := env.TraceRing()
	if err != nil {
		return err
	}
	ring, on := report.DefaultRing, true
	if set {
		ring, on = n, n > 0
	}
	w.rec = report.NewRecorder(w.start, ring)
	if on {
		w.net.SetObserver(w.rec.Observe)
	}
	return nil
}

// Recorder returns the test's run recorder, for a lab's hooks: peer states
// (Recorder.State, e.g. from raft's Inspect) and the violations its
// checkers find (Recorder.Violation). The harness feeds it the messages,
// and adds the faults, the history and the log when it writes the report.
// A test that installs its own observer on Network replaces the
// recorder's, and its report then shows no messages.
func (w *World) Recorder() *report.Recorder { return w.rec }

// WriteReport writes the run report (report.json and report.html, see
// distlab/labtest/report) of the test so far into dir, and returns the
// page's path. The harness calls it for a failing test (into its
// artefacts) and under DISTLAB_REPORT; a command may call it for a passing
// run.
func (w *World) WriteReport(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("making the report folder: %w", err)
	}
	d, err := w.reportDocument()
	if err != nil {
		return "", err
	}
	return report.Write(dir, d)
}

// writeRequestedReport writes the report under DISTLAB_REPORT, if set, and
// returns the page's path ("" if not asked).
func (w *World) writeRequestedReport() (string, error) {
	root := env.ReportDir()
	if root == "" {
		return "", nil
	}
	if mainArgs != nil {
		return w.WriteReport(root)
	}
	return w.WriteReport(filepath.Join(root, safeName(w.test)))
}

// reportDocument gathers the run: lanes, the recorder's messages, states
// and violations, the schedule's faults (as the history view draws them),
// the checked history and the captured log.
func (w *World) reportDocument() (*report.Document, error) {
	w.mu.Lock()
	end := w.virtual
	if !w.ended {
		end = w.Now()
	}
	d := &report.Document{Version: report.Version, Test: w.test, Package: w.pkg, Seed: w.seed,
		Failed: w.t != nil && w.t.Failed(), End: end.Nanoseconds()}
	if mainArgs != nil {
		d.Command, d.Package = mainArgs, ""
	}
	for _, c := range w.clusters {
		for i := 0; i < w.groups[c].n; i++ {
			d.Lanes = append(d.Lanes, report.Lane{Name: serverName(c, i), Cluster: c})
		}
	}
	for i := 0; i < w.nclients; i++ {
		d.Lanes = append(d.Lanes, report.Lane{Name: fmt.Sprintf("client-%d", i), Client: true})
	}
	first := ""
	if len(w.clusters) > 0 {
		first = w.clusters[0]
	}
	w.mu.Unlock()

	w.rec.Fill(d, endOwnerName)
	for _, a := range w.annotations() {
		f := report.Fault{Lane: a.Tag, Start: a.Start, End: max(a.End, a.Start), Text: a.Description,
			Details: a.Details, Colour: a.BackgroundColor}
		d.Faults = append(d.Faults, f)
	}
	if err := w.reportHistory(d); err != nil {
		return nil, err
	}
	if w.logs != nil {
		lanes := map[string]int{}
		for i, l := range d.Lanes {
			lanes[l.Name] = i
		}
		d.Logs = report.ParseLog(w.logs.Bytes(), func(id int) int {
			if i, ok := lanes[serverName(first, id)]; ok {
				return i
			}
			return -1
		})
	} else {
		d.LogsNote = "no per-peer log: run with " + EnvLog + "=1 to keep it"
	}
	return d, nil
}

// endOwnerName names the node that owns an end made by the harness: its name
// is "<from>><to>@<incarnation>".
func endOwnerName(end any) string {
	s, ok := end.(string)
	if !ok {
		return ""
	}
	from, _, _ := strings.Cut(s, ">")
	return from
}

// reportHistory adds the history, with porcupine's verdict, its
// linearization and the first operation that cannot be linearized; a
// non-linearizable history is also a violation at that operation's return.
func (w *World) reportHistory(d *report.Document) error {
	h, ops, model, info := w.checkedHistory()
	if h == nil {
		return nil
	}
	h.mu.Lock()
	hd := &report.History{Model: h.modelName, Bad: -1}
	result := h.result
	h.mu.Unlock()
	describe := func(op porcupine.Operation) string { return fmt.Sprintf("%v → %v", op.Input, op.Output) }
	if model != nil && model.DescribeOperation != nil {
		describe = func(op porcupine.Operation) string { return model.DescribeOperation(op.Input, op.Output) }
	}
	ids := newOpIndex(ops)
	for _, op := range ops {
		ret := op.Return
		if ret == porcupine.NoReturn {
			ret = -1
		}
		hd.Ops = append(hd.Ops, report.Op{Client: op.ClientId, Call: op.Call, Return: ret, Lin: -1})
	}
	if model != nil && info != nil {
		ex, err := porcupine.Explain(*model, *info)
		if err != nil {
			return fmt.Errorf("explaining the history: %w", err)
		}
		hd.Verdict = "ok"
		if result == porcupine.Unknown {
			hd.Verdict = "unknown"
		}
		for _, p := range ex.Partitions {
			for k, st := range p.Steps {
				if i := ids.claim(p.Operations[st.Op]); i >= 0 {
					hd.Ops[i].Lin = k
				}
			}
			if p.CannotFollow < 0 {
				continue
			}
			hd.Verdict = "illegal"
			op := p.Operations[p.CannotFollow]
			if i := ids.find(op); i >= 0 && (hd.Bad < 0 || op.Return < hd.Ops[hd.Bad].Return) {
				hd.Bad = i
			}
		}
	}
	for i, op := range ops {
		hd.Ops[i].Desc = describe(op)
	}
	if hd.Bad >= 0 {
		o := hd.Ops[hd.Bad]
		d.Violations = append(d.Violations, report.Violation{At: o.Return, Lane: -1,
			Text: fmt.Sprintf("linearizability: client %d's %s cannot follow the longest linearization", o.Client, o.Desc)})
	}
	d.History = hd
	return nil
}

// RecordStates is a lab's peer-state hook for the run report: every
// interval of the test's clock (25 ms if 0) it asks state for the state of
// each running server (e.g. from raft's Inspect) and records it; a crashed
// server is recorded as down. Only changes are kept. It runs on a
// goroutine of its own until the test ends; state must not block.
func (c *Cluster[S]) RecordStates(interval time.Duration, state func(i int, s S) report.State) {
	if interval <= 0 {
		interval = 25 * time.Millisecond
	}
	g := c.g
	quit, done := make(chan struct{}), make(chan struct{})
	rec := g.w.Recorder()
	go func() {
		defer close(done)
		tk := time.NewTicker(interval)
		defer tk.Stop()
		for {
			for i := 0; i < g.n; i++ {
				if s, ok := c.Server(i); ok {
					rec.State(serverName(g.name, i), state(i, s))
				} else {
					rec.Down(serverName(g.name, i))
				}
			}
			select {
			case <-quit:
				return
			case <-tk.C:
			}
		}
	}()
	// Cleanups run last-registered first: this one before the cluster's,
	// which kills the servers.
	g.t.Cleanup(func() {
		close(quit)
		<-done
	})
}

// opIndex finds an operation of a model's partition in the history it came
// from. A client's operations follow one another, so its call time nearly
// always names one; but an operation that returns at the instant it is
// called lets the client's next one start at that same instant, so the
// client, call and return times, and then the input and output, are
// compared, and each history operation is claimed by one partition step.
type opIndex struct {
	ops     []porcupine.Operation
	byCall  map[opKey][]int
	claimed []bool
}

type opKey struct {
	client    int
	call, ret int64
}

func newOpIndex(ops []porcupine.Operation) *opIndex {
	x := &opIndex{ops: ops, byCall: map[opKey][]int{}, claimed: make([]bool, len(ops))}
	for i, op := range ops {
		k := opKey{op.ClientId, op.Call, op.Return}
		x.byCall[k] = append(x.byCall[k], i)
	}
	return x
}

// find returns the index of the first history operation that is op, or -1.
func (x *opIndex) find(op porcupine.Operation) int { return x.lookup(op, false) }

// claim is find for an operation not claimed before, which it claims.
func (x *opIndex) claim(op porcupine.Operation) int { return x.lookup(op, true) }

func (x *opIndex) lookup(op porcupine.Operation, claim bool) int {
	cands := x.byCall[opKey{op.ClientId, op.Call, op.Return}]
	same := func(i int) bool {
		return len(cands) == 1 || reflect.DeepEqual(x.ops[i].Input, op.Input) && reflect.DeepEqual(x.ops[i].Output, op.Output)
	}
	// A model may rewrite what its partitions hold (Specialize), so an
	// operation equal in input and output is preferred, not required.
	for _, want := range []func(int) bool{same, func(int) bool { return true }} {
		for _, i := range cands {
			if (claim && x.claimed[i]) || !want(i) {
				continue
			}
			if claim {
				x.claimed[i] = true
			}
			return i
		}
	}
	return -1
}
