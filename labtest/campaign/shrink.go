package campaign

import (
	"context"
	"errors"
)

// A Trial replays a candidate — the items keep (indices into the original
// list, in order) — and reports whether it still fails often enough.
type Trial func(ctx context.Context, keep []int) (bool, error)

// ShrinkList returns a subset of the n items 0..n-1 for which trial still
// holds, as small as delta debugging finds (Zeller and Hildebrandt's ddmin:
// try each of k chunks alone, then each complement, doubling k when
// neither holds), trying the empty list first. trial(all) is assumed to
// hold. It stops early, with the smallest subset found so far, when ctx is
// done or after maxTrials trials (0: no limit), and returns how many trials
// it made.
func ShrinkList(ctx context.Context, n, maxTrials int, trial Trial) (keep []int, trials int, err error) {
	cur := make([]int, n)
	for i := range cur {
		cur[i] = i
	}
	try := func(c []int) (bool, error) {
		if ctx.Err() != nil || (maxTrials > 0 && trials >= maxTrials) {
			return false, errStop
		}
		trials++
		return trial(ctx, c)
	}
	if n == 0 {
		return cur, 0, nil
	}
	ok, err := try(nil)
	switch {
	case err != nil:
		return cur, trials, stopErr(err)
	case ok:
		return []int{}, trials, nil
	}
	k := 2
	for len(cur) >= 2 {
		chunks := split(cur, k)
		reduced := false
		for _, c := range chunks {
			if ok, err := try(c); err != nil {
				return cur, trials, stopErr(err)
			} else if ok {
				cur, k, reduced = c, 2, true
				break
			}
		}
		if !reduced && k > 2 {
			for i := range chunks {
				comp := complement(chunks, i)
				if ok, err := try(comp); err != nil {
					return cur, trials, stopErr(err)
				} else if ok {
					cur, k, reduced = comp, max(k-1, 2), true
					break
				}
			}
		}
		if !reduced {
			if k >= len(cur) {
				break
			}
			k = min(2*k, len(cur))
		}
	}
	return cur, trials, nil
}

// errStop ends the search early; ShrinkList then returns its best so far.
var errStop = errors.New("stop shrinking")

func stopErr(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// split cuts s into k chunks of nearly equal length.
func split(s []int, k int) [][]int {
	var out [][]int
	for i := 0; i < k; i++ {
		lo, hi := i*len(s)/k, (i+1)*len(s)/k
		if hi > lo {
			out = append(out, s[lo:hi])
		}
	}
	return out
}

// complement is every chunk but the i-th, concatenated.
func complement(chunks [][]int, i int) []int {
	var out []int
	for j, c := range chunks {
		if j != i {
			out = append(out, c...)
		}
	}
	return out
}
