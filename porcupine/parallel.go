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
// (see CheckOperationsVerbose).
func checkPartitions(model Model, byValue bool, parts [][]Operation, verbose bool, timeout time.Duration) (CheckResult, LinearizationInfo) {
	start := time.Now()
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	// stop ends the remaining searches once the verdict is known.
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()

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
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		running int         // tasks taken from the queue and not yet settled
		illegal bool        // some partition is Illegal
		halted  bool        // a worker panicked: hand out no more work
		timer   *time.Timer // the verbose grace period
		panicV  interface{} // a panic in a worker (from the model), re-raised here
	)
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
		grace := time.Since(start)
		if grace < time.Second {
			grace = time.Second
		}
		timer = time.AfterFunc(grace, stop)
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
				m, bv := model, byValue
				if model.Specialize != nil {
					m = model.Specialize(parts[t.part])
					bv = m.Equal == nil && m.Hash == nil
					m = fillDefaults(m)
				}
				t.s = newSearcher(stopCtx, m, bv, parts[t.part], verbose)
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
