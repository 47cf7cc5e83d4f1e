package porcupine

import (
	"fmt"
	"slices"
	"sort"
)

// The data a visualisation page is drawn from, embedded in it as JSON. Times
// are ranks: every distinct timestamp of the history and its annotations,
// sorted, numbered from 0, so that bursts and lulls get the same room.

type vizData struct {
	Verdict string  `json:"verdict"` // "ok" or "illegal"
	Times   []int64 `json:"times"`   // rank → timestamp - T0
	// T0 is subtracted from every timestamp shown (as a string, since
	// JavaScript numbers lose precision past 2^53); "" means 0.
	T0 string `json:"t0,omitempty"`
	// UnitNs is how many nanoseconds one unit of time is (SetTimeUnit);
	// 0 (absent) means unknown, and the page shows raw integers.
	UnitNs      int64           `json:"unitNs,omitempty"`
	Clients     []vizLane       `json:"clients"`
	Tags        []vizLane       `json:"tags"`
	Partitions  []vizPartition  `json:"partitions"`
	Annotations []vizAnnotation `json:"annotations"`
	FirstBad    int             `json:"firstBad"`  // the illegal partition whose problem comes first in time, or -1
	Truncated   bool            `json:"truncated"` // some partial linearizations were left out
}

// A vizLane is one client's (or one tag's) lane: Rows is how many rows its
// overlapping items need.
type vizLane struct {
	Client int    `json:"client"`
	Tag    string `json:"tag,omitempty"`
	Rows   int    `json:"rows"`
}

type vizOp struct {
	Client   int    `json:"c"`
	Row      int    `json:"row"`         // row within the client's lane
	Start    int    `json:"s"`           // rank of the call
	End      int    `json:"e"`           // rank of the return, -1 if pending
	Call     int64  `json:"call"`        // timestamps, minus T0
	Return   *int64 `json:"ret"`         // nil if pending
	Desc     string `json:"d"`           // DescribeOperation
	Metadata string `json:"m,omitempty"` // DescribeOperationMetadata
	Lin      int    `json:"lin"`         // index of the longest linearization holding it, or -1
}

// A vizLin is one (partial) linearization: op ids in order, and the state
// after each step.
type vizLin struct {
	Ops    []int    `json:"ops"`
	States []string `json:"states"`
	// StepFailed is the index of a step the model refused (the checker and
	// the model disagree), or -1.
	StepFailed int `json:"stepFailed"`
}

type vizPartition struct {
	Ops  []vizOp  `json:"ops"`
	Lins []vizLin `json:"lins"`
	Best int      `json:"best"` // the complete or longest linearization, -1 if none
	OK   bool     `json:"ok"`
	// Unknown is set when the check stopped before deciding this partition
	// (a timeout, or another partition was already found illegal); it is
	// then neither OK nor has a Bad operation.
	Unknown bool `json:"unknown"`
	// Bad is the operation that cannot follow the best partial
	// linearization (the one it must take before returning), or -1.
	Bad        int    `json:"bad"`
	BadState   string `json:"badState,omitempty"` // the state it cannot follow
	InitState  string `json:"init"`
	PendingOut int    `json:"pendingOut"` // pending operations that never took effect in Best
}

type vizAnnotation struct {
	Client      int    `json:"c"`
	Tag         string `json:"tag,omitempty"`
	Row         int    `json:"row"`
	Start       int    `json:"s"`
	End         int    `json:"e"`
	Point       bool   `json:"point"`
	From        int64  `json:"from"`
	To          int64  `json:"to"`
	Description string `json:"d"`
	Details     string `json:"details,omitempty"`
	TextColor   string `json:"fg,omitempty"`
	Background  string `json:"bg,omitempty"`
}

// maxVizSteps bounds the linearization steps embedded beyond each
// partition's best one, so that a page for a huge history stays small.
const maxVizSteps = 200_000

// computeVizData prepares what the page draws. Model functions are the
// caller's; a panic in one is turned into an error by Visualize.
func computeVizData(model Model, info LinearizationInfo) (*vizData, error) {
	m := fillDefaults(model)
	if m.Init == nil || m.Step == nil {
		return nil, fmt.Errorf("the model needs Init and Step (or StepContext) to replay the linearizations")
	}
	if len(info.partials) != len(info.history) {
		return nil, fmt.Errorf("malformed LinearizationInfo: %d partitions but %d sets of linearizations", len(info.history), len(info.partials))
	}
	d := &vizData{FirstBad: -1, Verdict: "ok", Clients: []vizLane{}, Tags: []vizLane{}, Annotations: []vizAnnotation{},
		UnitNs: info.timeUnit.Nanoseconds()}

	// The time axis.
	var times []int64
	for _, part := range info.history {
		for _, op := range part {
			times = append(times, op.Call)
			if !op.Pending() {
				times = append(times, max(op.Return, op.Call))
			}
		}
	}
	for _, a := range info.annotations {
		times = append(times, a.Start, max(a.End, a.Start))
	}
	slices.Sort(times)
	times = slices.Compact(times)
	// Show times as they are unless they are too large for JavaScript
	// numbers (such as nanoseconds since 1970); then relative to the first.
	var t0 int64
	const exact = 1 << 53
	if len(times) > 0 && (times[0] <= -exact || times[len(times)-1] >= exact) {
		t0 = times[0]
		d.T0 = fmt.Sprint(t0)
	}
	d.Times = make([]int64, len(times))
	for i, t := range times {
		d.Times[i] = t - t0
	}
	rank := func(t int64) int {
		i, _ := slices.BinarySearch(times, t)
		return i
	}

	budget := maxVizSteps
	clientRows := map[int]*rowPacker{}
	type opRef struct{ p, i int }
	var all []opRef
	for p, part := range info.history {
		vp := vizPartition{Ops: make([]vizOp, len(part)), Best: -1, Bad: -1, Lins: []vizLin{}}
		vp.InitState = m.DescribeState(m.Init())
		for i, op := range part {
			vo := vizOp{Client: op.ClientId, Start: rank(op.Call), End: -1, Call: op.Call - t0,
				Desc: m.DescribeOperation(op.Input, op.Output), Lin: -1}
			if !op.Pending() {
				r := max(op.Return, op.Call)
				vo.End = rank(r)
				r -= t0
				vo.Return = &r
			}
			if op.Metadata != nil {
				vo.Metadata = m.DescribeOperationMetadata(op.Metadata)
			}
			vp.Ops[i] = vo
			all = append(all, opRef{p, i})
		}
		if err := fillLinearizations(m, part, info.partials[p], &vp, &budget, &d.Truncated); err != nil {
			return nil, fmt.Errorf("partition %d: %w", p, err)
		}
		if p < len(info.verdicts) && info.verdicts[p] == Unknown {
			// The check stopped before deciding: show what it found, but
			// claim no culprit.
			vp.OK, vp.Unknown, vp.Bad, vp.BadState = false, true, -1, ""
			if d.Verdict == "ok" {
				d.Verdict = "unknown"
			}
		}
		if !vp.OK && !vp.Unknown {
			d.Verdict = "illegal"
			// The first problem is the one that comes first in time.
			if d.FirstBad < 0 || (vp.Bad >= 0 && (d.Partitions[d.FirstBad].Bad < 0 ||
				part[vp.Bad].Return < info.history[d.FirstBad][d.Partitions[d.FirstBad].Bad].Return)) {
				d.FirstBad = p
			}
		}
		d.Partitions = append(d.Partitions, vp)
	}
	if d.Partitions == nil {
		d.Partitions = []vizPartition{}
	}

	// Rows: pack each client's operations (all partitions) so that none
	// overlap; a pending one reaches the end of the axis.
	sort.SliceStable(all, func(a, b int) bool {
		oa, ob := d.Partitions[all[a].p].Ops[all[a].i], d.Partitions[all[b].p].Ops[all[b].i]
		return oa.Start < ob.Start
	})
	for _, r := range all {
		vo := &d.Partitions[r.p].Ops[r.i]
		rp := clientRows[vo.Client]
		if rp == nil {
			rp = &rowPacker{}
			clientRows[vo.Client] = rp
		}
		end := vo.End
		if end < 0 {
			end = len(times) + 1
		}
		vo.Row = rp.place(vo.Start, end)
	}

	// Annotations: on their client's lane, or on a lane per tag.
	tagRows := map[string]*rowPacker{}
	var tagOrder []string
	for _, a := range info.annotations {
		end := max(a.End, a.Start)
		va := vizAnnotation{Client: a.ClientId, Tag: a.Tag, Start: rank(a.Start), End: rank(end), Point: end == a.Start,
			From: a.Start - t0, To: end - t0, Description: a.Description, Details: a.Details, TextColor: a.TextColor, Background: a.BackgroundColor}
		if a.Tag != "" {
			rp := tagRows[a.Tag]
			if rp == nil {
				rp = &rowPacker{}
				tagRows[a.Tag] = rp
				tagOrder = append(tagOrder, a.Tag)
			}
			// A label needs room: reserve a few ranks past a short item.
			va.Row = rp.place(va.Start, max(va.End, va.Start+labelRanks(a.Description)))
		} else if clientRows[a.ClientId] == nil {
			clientRows[a.ClientId] = &rowPacker{}
		}
		d.Annotations = append(d.Annotations, va)
	}
	for _, t := range tagOrder {
		d.Tags = append(d.Tags, vizLane{Tag: t, Rows: max(1, len(tagRows[t].ends))})
	}
	clients := make([]int, 0, len(clientRows))
	for c := range clientRows {
		clients = append(clients, c)
	}
	slices.Sort(clients)
	for _, c := range clients {
		d.Clients = append(d.Clients, vizLane{Client: c, Rows: max(1, len(clientRows[c].ends))})
	}
	return d, nil
}

// labelRanks estimates how many ranks a label of s covers at the default
// zoom, for packing annotation rows.
func labelRanks(s string) int { return 1 + len([]rune(s))/3 }

// rowPacker assigns intervals to the first row where they overlap nothing.
type rowPacker struct{ ends []int } // per row: the end of its last interval

func (rp *rowPacker) place(start, end int) int {
	for i, e := range rp.ends {
		if e < start {
			rp.ends[i] = end
			return i
		}
	}
	rp.ends = append(rp.ends, end)
	return len(rp.ends) - 1
}

// fillLinearizations replays a partition's partial linearizations through
// the model, picks the best (a complete one, else the longest) and finds the
// operation that cannot follow it.
func fillLinearizations(m Model, part []Operation, partials [][]int, vp *vizPartition, budget *int, truncated *bool) error {
	completed := 0
	for _, op := range part {
		if !op.Pending() {
			completed++
		}
	}
	// Order: best first, then by length, so that the budget keeps the
	// longest ones and each op points at the longest holding it.
	order := make([]int, len(partials))
	countDone := func(lin []int) int {
		n := 0
		for _, id := range lin {
			if id >= 0 && id < len(part) && !part[id].Pending() {
				n++
			}
		}
		return n
	}
	done := make([]int, len(partials))
	for i, lin := range partials {
		order[i] = i
		done[i] = countDone(lin)
	}
	sort.SliceStable(order, func(a, b int) bool {
		if done[order[a]] != done[order[b]] {
			return done[order[a]] > done[order[b]]
		}
		return len(partials[order[a]]) > len(partials[order[b]])
	})
	for rank, li := range order {
		lin := partials[li]
		if rank > 0 && *budget < len(lin) {
			*truncated = true
			break
		}
		vl := vizLin{Ops: make([]int, 0, len(lin)), States: make([]string, 0, len(lin)), StepFailed: -1}
		state := m.Init()
		for k, id := range lin {
			if id < 0 || id >= len(part) {
				return fmt.Errorf("malformed LinearizationInfo: operation id %d out of range [0, %d)", id, len(part))
			}
			ok, next := m.Step(state, part[id].Input, part[id].Output)
			if !ok && vl.StepFailed < 0 {
				vl.StepFailed = k
			}
			if ok {
				state = next
			}
			vl.Ops = append(vl.Ops, id)
			vl.States = append(vl.States, m.DescribeState(state))
		}
		*budget -= len(lin)
		idx := len(vp.Lins)
		vp.Lins = append(vp.Lins, vl)
		for _, id := range lin {
			if vp.Ops[id].Lin < 0 {
				vp.Ops[id].Lin = idx
			}
		}
		if rank == 0 {
			vp.Best = idx
			vp.OK = done[li] == completed && vl.StepFailed < 0
			in := make([]bool, len(part))
			for _, id := range lin {
				in[id] = true
			}
			for id, op := range part {
				if op.Pending() && !in[id] {
					vp.PendingOut++
				}
			}
			if !vp.OK {
				vp.Bad = cannotFollow(part, in)
				vp.BadState = m.DescribeState(state)
			}
		}
	}
	if len(partials) == 0 {
		vp.OK = completed == 0
		if !vp.OK {
			vp.Bad = cannotFollow(part, make([]bool, len(part)))
			vp.BadState = vp.InitState
		}
	}
	return nil
}

// cannotFollow returns the operation that cannot follow a maximal partial
// linearization: of the completed operations not in it, the one that
// returns first. Every operation that could go next was called before that
// return, so it must take effect by then, yet the model accepts none of them
// from this state; that operation is where the history stops making sense.
func cannotFollow(part []Operation, in []bool) int {
	bad := -1
	for id, op := range part {
		if in[id] || op.Pending() {
			continue
		}
		if bad < 0 || op.Return < part[bad].Return || (op.Return == part[bad].Return && op.Call < part[bad].Call) {
			bad = id
		}
	}
	return bad
}
