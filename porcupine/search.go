package porcupine

import (
	"cmp"
	"context"
	"runtime/metrics"
	"slices"
)

// The search decides one partition. It is the Wing & Gong tree search with
// Lowe's memoisation (as refined by Horn & Kroening):
//
// The history is a doubly linked list of call and return events in time
// order. At any point, the operations that may take effect next are those
// whose call comes before the first return still in the list: an operation
// cannot take effect after another one has returned unless it was already
// called. The search tries them in list order; when one is legal in the
// current state and leads to a configuration (linearized set, state) not seen
// before, it is linearized: its call and return are unlinked from the list
// and the search starts again from the head. When the head of the scan is a
// return event, the operation it belongs to cannot be linearized in any way
// from here, so the search backtracks: it relinks the last linearized
// operation and moves on to the next candidate after it.
//
// A pending operation has no return event, so it never blocks the scan: it
// may be linearized while it is a candidate, or left out. The partition is
// linearizable once no return event remains in the list. At each
// configuration the pending candidates are tried after the others.
//
// Linearizing a pending operation that leaves the state unchanged can never
// help (leaving it out keeps every option open), so such steps are skipped.
//
// The memo (memo.go) remembers every configuration reached: a configuration
// met again has failed before. Its key is a Zobrist hash of the linearized set
// — one random word per operation, xor-ed in and out as operations are
// linearized and backtracked, so a step costs O(1) — mixed with the state's
// id from the state table (states.go), which interns states so that equal
// states share an id and the model's Step runs once per (state, operation).

// searchResult is what search found for one partition.
type searchResult struct {
	verdict CheckResult
	// partials (only when verbose): for Ok, one complete linearization;
	// otherwise the longest partial linearizations found.
	partials [][]int
}

// searcher holds one partition's search. ops keep the partition's order (an
// operation's id is its index); events are numbered 1..2n in time order, 0
// is the list's head and 2n+1 its tail.
type searcher struct {
	ctx     context.Context
	model   Model
	ops     []Operation
	verbose bool
	byValue bool // the model's Equal is ==: intern comparable states by value

	next, prev []int32 // the linked list of events
	evOp       []int32 // the operation of each event
	evRet      []bool  // whether each event is a return
	callEv     []int32 // per operation: its call event
	retEv      []int32 // per operation: its return event, or -1 if pending
	pending    []bool
	outputs    []interface{} // per operation: its Output, nil if pending
	// late lists the operations searched as pending although they returned:
	// see lateOps. strict is set once that shortcut has failed and the
	// search restarted without it.
	late   []int32
	strict bool

	zobrist []uint64
	states  *stateTable
	memo    *memo

	// The search's position, kept between calls of run.
	started bool
	sid     int32    // the current state
	hash    uint64   // Zobrist hash of the linearized set
	bits    []uint64 // the linearized set
	// spanLo, spanHi: hints for span (memo.go), from its last call.
	spanLo, spanHi int
	stack          []frame // the linearized operations, in order
	cur            int32   // the event the scan is at
	retLeft        int     // return events still in the list
	// pendingPass: the scan is trying the pending candidates, which come
	// after the others (taking effect is optional for them, so they are the
	// less likely to be needed).
	pendingPass bool

	// Memory bounding (see flush.go).
	heapSample []metrics.Sample
	flushFloor int // memo size below which no flush happens
	flushes    int

	// verbose bookkeeping: for each operation, the longest partial
	// linearization (index into seqs) containing it.
	longest []int32
	seqs    [][]int
}

func newSearcher(ctx context.Context, model Model, byValue bool, ops []Operation, verbose bool) *searcher {
	return newSearcherMode(ctx, model, byValue, ops, verbose, false)
}

// lateOps returns the operations of ops that returned with an unknown (nil)
// output no earlier than every call: the form an operation whose outcome is
// unknown takes when a history closes it at the end, as upstream porcupine
// requires. Such an operation is concurrent with everything called after
// it, so in any linearization it may as well take effect last; hence the
// history is linearizable if and only if it is linearizable with these
// operations pending (optional) and those left out can then take effect, in
// any order, after the others. The search uses this: it treats them as
// pending, and on success appends those left out (see finishLate). If one
// cannot be appended the search restarts without the shortcut (strict).
func lateOps(ops []Operation) []int32 {
	maxCall := int64(-1 << 63)
	for _, op := range ops {
		maxCall = max(maxCall, op.Call)
	}
	var late []int32
	for i, op := range ops {
		if op.Output == nil && op.Return != NoReturn && op.Return >= maxCall {
			late = append(late, int32(i))
		}
	}
	return late
}

func newSearcherMode(ctx context.Context, model Model, byValue bool, ops []Operation, verbose, strict bool) *searcher {
	n := len(ops)
	s := &searcher{ctx: ctx, model: model, ops: ops, verbose: verbose, byValue: byValue, strict: strict}
	if !strict {
		s.late = lateOps(ops)
	}
	m := 2 * n // at most; the number of events
	flags := make([]bool, n+m+2)
	s.pending, s.evRet = flags[:n:n], flags[n:]
	for _, i := range s.late {
		s.pending[i] = true
	}
	type ev struct {
		time int64
		ret  bool
		op   int32
	}
	evs := make([]ev, 0, 2*n)
	s.outputs = make([]interface{}, n)
	for i, op := range ops {
		evs = append(evs, ev{op.Call, false, int32(i)})
		if op.Return == NoReturn || s.pending[i] {
			s.pending[i] = true
			continue
		}
		s.outputs[i] = op.Output
		ret := op.Return
		if ret < op.Call {
			ret = op.Call
		}
		evs = append(evs, ev{ret, true, int32(i)})
	}
	// Calls sort before returns at the same instant: intervals are closed.
	slices.SortStableFunc(evs, func(a, b ev) int {
		if a.time != b.time {
			return cmp.Compare(a.time, b.time)
		}
		return cmp.Compare(b2i(a.ret), b2i(b.ret))
	})
	m = len(evs)
	s.evRet = s.evRet[:m+2]
	// One allocation for the int32 arrays.
	block := make([]int32, 3*(m+2)+2*n)
	s.next, block = block[:m+2:m+2], block[m+2:]
	s.prev, block = block[:m+2:m+2], block[m+2:]
	s.evOp, block = block[:m+2:m+2], block[m+2:]
	s.callEv, s.retEv = block[:n:n], block[n:]
	for i := range s.retEv {
		s.retEv[i] = -1
	}
	for i := 0; i <= m+1; i++ {
		if i > 0 {
			s.prev[i] = int32(i - 1)
		}
		if i <= m {
			s.next[i] = int32(i + 1)
		}
		s.evOp[i] = -1
	}
	s.evRet[m+1] = true // the tail blocks like a return
	for i, e := range evs {
		id := int32(i + 1)
		s.evOp[id] = e.op
		s.evRet[id] = e.ret
		if e.ret {
			s.retEv[e.op] = id
		} else {
			s.callEv[e.op] = id
		}
	}
	s.zobrist = zobristWords(n)
	return s
}

// zobrist holds the Zobrist words of the first operations, shared by every
// search (a partition's words depend only on its size).
var zobrist = makeZobrist(1024)

// zobristWords returns the Zobrist words of n operations: one pseudo-random
// word per operation.
func zobristWords(n int) []uint64 {
	if n <= len(zobrist) {
		return zobrist[:n:n]
	}
	return makeZobrist(n)
}

func makeZobrist(n int) []uint64 {
	words := make([]uint64, n)
	seed := uint64(0x243f6a8885a308d3)
	for i := range words {
		seed += 0x9e3779b97f4a7c15
		words[i] = mix64(seed)
	}
	return words
}

// lift unlinks operation op's events; unlift relinks them. Calls must be
// properly nested (dancing links).
func (s *searcher) lift(op int32) {
	c := s.callEv[op]
	s.next[s.prev[c]] = s.next[c]
	s.prev[s.next[c]] = s.prev[c]
	if r := s.retEv[op]; r >= 0 {
		s.next[s.prev[r]] = s.next[r]
		s.prev[s.next[r]] = s.prev[r]
	}
}

func (s *searcher) unlift(op int32) {
	if r := s.retEv[op]; r >= 0 {
		s.next[s.prev[r]] = r
		s.prev[s.next[r]] = r
	}
	c := s.callEv[op]
	s.next[s.prev[c]] = c
	s.prev[s.next[c]] = c
}

// frame is one linearized operation on the search stack, with the state id
// and set hash from before it.
type frame struct {
	op   int32
	sid  int32
	hash uint64
}

// start prepares the search: the initial state, the memo, the counters.
func (s *searcher) start() {
	n := len(s.ops)
	step := func(st, in, out interface{}) (bool, interface{}) {
		return s.model.StepContext(s.ctx, st, in, out)
	}
	init := s.model.Init()
	checkComparable(s.byValue, init)
	s.states = newStateTable(s.model, s.byValue, n, step)
	words := (n + 63) / 64
	if words == 0 {
		words = 1
	}
	s.memo = newMemo(words, n)
	s.bits = make([]uint64, words)
	if s.verbose {
		s.longest = make([]int32, n)
		for i := range s.longest {
			s.longest[i] = -1
		}
	}
	for _, r := range s.retEv {
		if r >= 0 {
			s.retLeft++
		}
	}
	s.sid = s.states.intern(init)
	s.stack = make([]frame, 0, n)
	s.cur = s.next[0]
	s.started = true
}

// run continues the search for at most about budget steps (budget <= 0: no
// limit). It returns the result and true once decided (or cancelled through
// the context: Unknown), or false if the budget ran out first; run can then
// be called again to resume.
func (s *searcher) run(budget int) (searchResult, bool) {
	if !s.started {
		s.start()
	}
	// Local copies of the hot fields; written back when suspending.
	sid, hash, stack, cur, retLeft, bits, pendingPass := s.sid, s.hash, s.stack, s.cur, s.retLeft, s.bits, s.pendingPass
	suspend := func() {
		s.sid, s.hash, s.stack, s.cur, s.retLeft, s.pendingPass = sid, hash, stack, cur, retLeft, pendingPass
	}
	const head = int32(0)
	steps := 0
	for retLeft > 0 {
		if steps++; steps&1023 == 0 {
			if s.ctx.Err() != nil {
				return s.result(Unknown, stack), true
			}
			if steps&(flushCheckSteps-1) == 0 {
				sid = s.maybeFlush(stack, sid)
			}
			if budget > 0 && steps >= budget {
				suspend()
				return searchResult{}, false
			}
		}
		if !s.evRet[cur] {
			op := s.evOp[cur]
			if s.pending[op] != pendingPass {
				cur = s.next[cur]
				continue
			}
			legal, nsid := s.states.step(sid, op, s.ops[op].Input, s.outputs[op])
			if legal && !(s.pending[op] && nsid == sid) {
				nhash := hash ^ s.zobrist[op]
				bits[op>>6] |= 1 << (uint(op) & 63)
				lo, hi := span(bits, &s.spanLo, &s.spanHi)
				if s.memo.insert(nhash^s.states.key[nsid], nsid, bits, lo, hi, s.states) {
					stack = append(stack, frame{op: op, sid: sid, hash: hash})
					sid, hash = nsid, nhash
					s.lift(op)
					if s.retEv[op] >= 0 {
						retLeft--
					}
					cur = s.next[head]
					pendingPass = false
					continue
				}
				bits[op>>6] &^= 1 << (uint(op) & 63)
			}
			cur = s.next[cur]
			continue
		}
		// cur is a return event (or the tail): the candidates end here.
		if !pendingPass {
			// Now the pending candidates.
			pendingPass = true
			cur = s.next[head]
			continue
		}
		// Every candidate was tried: backtrack.
		if len(stack) == 0 {
			if s.ctx.Err() != nil {
				// A step may have failed because it was cut short.
				return s.result(Unknown, stack), true
			}
			return s.result(Illegal, nil), true
		}
		if s.verbose {
			s.recordPartial(stack)
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		s.unlift(top.op)
		if s.retEv[top.op] >= 0 {
			retLeft++
		}
		bits[top.op>>6] &^= 1 << (uint(top.op) & 63)
		sid, hash = top.sid, top.hash
		cur = s.next[s.callEv[top.op]]
		pendingPass = s.pending[top.op]
	}
	if s.ctx.Err() != nil {
		// The last steps may have been cut short by the timeout.
		return s.result(Unknown, stack), true
	}
	if len(s.late) > 0 {
		var ok bool
		if stack, ok = s.finishLate(stack, sid); !ok {
			if s.ctx.Err() != nil {
				return s.result(Unknown, stack), true
			}
			*s = *newSearcherMode(s.ctx, s.model, s.byValue, s.ops, s.verbose, true)
			return s.run(budget)
		}
		if s.ctx.Err() != nil {
			return s.result(Unknown, stack), true
		}
	}
	return s.result(Ok, stack), true
}

// finishLate appends to a complete linearization the late operations (see
// lateOps) it left out, in order, from state sid. It reports false if one
// of them cannot take effect there.
func (s *searcher) finishLate(stack []frame, sid int32) ([]frame, bool) {
	in := make([]bool, len(s.ops))
	for _, f := range stack {
		in[f.op] = true
	}
	for _, op := range s.late {
		if in[op] {
			continue
		}
		legal, next := s.states.step(sid, op, s.ops[op].Input, nil)
		if !legal {
			return stack, false
		}
		stack = append(stack, frame{op: op, sid: sid})
		sid = next
	}
	return stack, true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// recordPartial notes the current stack as the longest partial linearization
// of each operation on it that has none as long yet.
func (s *searcher) recordPartial(stack []frame) {
	var idx int32 = -1
	for _, f := range stack {
		l := s.longest[f.op]
		if l >= 0 && len(s.seqs[l]) >= len(stack) {
			continue
		}
		if idx < 0 {
			seq := make([]int, len(stack))
			for i, g := range stack {
				seq[i] = int(g.op)
			}
			idx = int32(len(s.seqs))
			s.seqs = append(s.seqs, seq)
		}
		s.longest[f.op] = idx
	}
}

func (s *searcher) result(v CheckResult, stack []frame) searchResult {
	r := searchResult{verdict: v}
	if !s.verbose {
		return r
	}
	if v == Ok {
		seq := make([]int, len(stack))
		for i, f := range stack {
			seq[i] = int(f.op)
		}
		r.partials = [][]int{seq}
		return r
	}
	if v == Unknown && len(stack) > 0 {
		s.recordPartial(stack)
	}
	used := make(map[int32]bool)
	for _, l := range s.longest {
		if l >= 0 && !used[l] {
			used[l] = true
			r.partials = append(r.partials, s.seqs[l])
		}
	}
	return r
}
