package porcupine

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"time"
)

// firstBudget is how many search steps a partition gets on its first turn;
// each later turn doubles it.
const firstBudget = 1 << 11

// checkPartitions decides every partition with at most GOMAXPROCS searches
// running at once. Partitions take turns: each runs for a budget of steps,
// smallest partition first, and goes to the back of the queue with twice the
// budget if undecided. So one hard partition cannot delay the verdict on the
// others, and an Illegal one is found early. Without verbose, the first
// Illegal partition stops the rest; with verbose, the rest get a grace period
// (see CheckOperationsVerbose). A small check (inlineOps) takes the first
// turns on the caller's goroutine alone, and starts the workers only if a
// partition is still undecided after its turn.
func checkPartitions(model Model, byValue bool, parts [][]Operation, verbose bool, timeout time.Duration) (CheckResult, LinearizationInfo) {
	start := time.Now()
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()

	type task struct {
		part   int
		s      *searcher
		budget int
	}
	queue := make([]task, len(parts))
	for i := range parts {
		queue[i] = task{part: i, budget: firstBudget}
	}
	slices.SortStableFunc(queue, func(a, b task) int { return cmp.Compare(len(parts[a.part]), len(parts[b.part])) })

	results := make([]searchResult, len(parts))
	newSearch := func(sctx context.Context, part int) *searcher {
		m, bv := model, byValue
		if model.Specialize != nil {
			m = model.Specialize(parts[part])
			bv = m.Equal == nil && m.Hash == nil
			m = fillDefaults(m)
		}
		return newSearcher(sctx, m, bv, parts[part], verbose)
	}

	// A small check runs its first turns inline: on the caller's goroutine,
	// with no locks, goroutines or cancellation context. Most such checks
	// are decided there; what is left goes to the workers below.
	illegal := false // some partition is Illegal
	if inlineFirstTurn(parts) {
		left := queue[:0]
		for _, t := range queue {
			if illegal && !verbose {
				break
			}
			t.s = newSearch(ctx, t.part)
			r, done := t.s.run(t.budget)
			if !done {
				t.budget *= 2
				left = append(left, t)
				continue
			}
			results[t.part] = r
			illegal = illegal || r.verdict == Illegal
		}
		queue = left
		if len(queue) == 0 || (illegal && !verbose) {
			return verdictOf(results, parts, verbose)
		}
	}

	// stop ends the remaining searches once the verdict is known.
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	for _, t := range queue {
		if t.s != nil {
			t.s.ctx = stopCtx
		}
	}
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		running int         // tasks taken from the queue and not yet settled
		halted  bool        // a worker panicked: hand out no more work
		timer   *time.Timer // the verbose grace period
		panicV  interface{} // a panic in a worker (from the model), re-raised here
	)
	if illegal { // verbose: found by the inline turns
		timer = time.AfterFunc(graceAfter(start), stop)
	}
	defer func() {
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
	}()
	// take blocks until a task is available or none will ever be.
	take := func() (task, bool) {
		mu.Lock()
		defer mu.Unlock()
		for len(queue) == 0 && running > 0 && !halted {
			cond.Wait()
		}
		if len(queue) == 0 || halted || (illegal && !verbose) {
			return task{}, false
		}
		t := queue[0]
		queue = queue[1:]
		running++
		return t, true
	}
	settle := func(t task, r searchResult, done bool) {
		mu.Lock()
		defer mu.Unlock()
		running--
		defer cond.Broadcast()
		if !done {
			t.budget *= 2
			queue = append(queue, t)
			return
		}
		results[t.part] = r
		if r.verdict != Illegal || illegal {
			return
		}
		illegal = true
		if !verbose {
			stop()
			return
		}
		timer = time.AfterFunc(graceAfter(start), stop)
	}

	workers := runtime.GOMAXPROCS(0)
	if workers > len(parts) {
		workers = len(parts)
	}
	// The caller is one of the workers, so a check of one partition runs on
	// the caller's goroutine without waiting to be scheduled.
	worker := func() {
		defer func() {
			if v := recover(); v != nil {
				mu.Lock()
				if panicV == nil {
					panicV = v
				}
				halted = true
				running--
				cond.Broadcast()
				mu.Unlock()
				stop()
			}
		}()
		for {
			t, ok := take()
			if !ok {
				return
			}
			if t.s == nil {
				t.s = newSearch(stopCtx, t.part)
			}
			r, done := t.s.run(t.budget)
			settle(t, r, done)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker()
		}()
	}
	if workers > 0 {
		worker()
	}
	wg.Wait()
	if panicV != nil {
		panic(panicV)
	}

	return verdictOf(results, parts, verbose)
}

// inlineOps is the size, in operations over all partitions, up to which a
// check runs its first turns inline (see checkPartitions): below it, setting
// up the workers costs more than a second core saves.
const inlineOps = 512

func inlineFirstTurn(parts [][]Operation) bool {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n <= inlineOps
}

// graceAfter is the verbose grace period once a partition is found Illegal:
// as long as the check has run so far, and at least one second.
func graceAfter(start time.Time) time.Duration {
	return max(time.Since(start), time.Second)
}

// verdictOf combines the partitions' results: Illegal if one is, else
// Unknown if one is undecided, else Ok; with verbose, also the info.
func verdictOf(results []searchResult, parts [][]Operation, verbose bool) (CheckResult, LinearizationInfo) {
	verdict := Ok
	for _, r := range results {
		switch {
		case r.verdict == Illegal:
			verdict = Illegal
		case r.verdict != Ok && verdict == Ok:
			verdict = Unknown // cancelled or never decided
		}
	}
	var info LinearizationInfo
	if verbose {
		info.history = parts
		info.partials = make([][][]int, len(parts))
		info.verdicts = make([]CheckResult, len(parts))
		for p, r := range results {
			info.partials[p] = r.partials
			info.verdicts[p] = r.verdict
			if r.verdict == "" {
				info.verdicts[p] = Unknown
			}
		}
	}
	return verdict, info
}
