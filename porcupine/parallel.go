package porcupine

import (
	"context"
	"runtime"
	"sort"
	"sync"
	"time"
)

// checkPartitions decides every partition, at most GOMAXPROCS at a time,
// largest first. Without verbose, the first Illegal partition stops the rest;
// with verbose, the rest get a grace period (see CheckOperationsVerbose).
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

	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(parts[order[a]]) > len(parts[order[b]]) })

	results := make([]searchResult, len(parts))
	var (
		mu      sync.Mutex
		nextIdx int
		illegal bool
		timer   *time.Timer
		panicV  interface{} // a panic in a worker (from the model), re-raised here
	)
	defer func() {
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
	}()
	workers := runtime.GOMAXPROCS(0)
	if workers > len(parts) {
		workers = len(parts)
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					mu.Lock()
					if panicV == nil {
						panicV = v
					}
					illegal = true // stop handing out work
					mu.Unlock()
					stop()
				}
			}()
			for {
				mu.Lock()
				if nextIdx == len(order) || (illegal && !verbose) {
					mu.Unlock()
					return
				}
				p := order[nextIdx]
				nextIdx++
				mu.Unlock()
				r := newSearcher(stopCtx, model, byValue, parts[p], verbose).run()
				results[p] = r
				if r.verdict == Illegal {
					mu.Lock()
					if !illegal {
						illegal = true
						if !verbose {
							stop()
						} else {
							grace := time.Since(start)
							if grace < time.Second {
								grace = time.Second
							}
							timer = time.AfterFunc(grace, stop)
						}
					}
					mu.Unlock()
				}
			}
		}()
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
			verdict = Unknown // cancelled or never started
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
