package campaign

import (
	"fmt"
	"strconv"
	"strings"
)

// Seeds is a list of seed ranges, as "1-100000" or "7,20-29" reads.
type Seeds []SeedRange

// A SeedRange is the seeds From..To, both included.
type SeedRange struct{ From, To int64 }

// maxSeeds bounds a campaign's length, so that a typo (1-1e18) is an error
// rather than a campaign that never ends.
const maxSeeds = 1 << 40

// ParseSeeds reads a comma-separated list of seeds and ranges A-B (A <= B).
func ParseSeeds(s string) (Seeds, error) {
	var out Seeds
	var total int64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to := part, part
		// A range's dash is the first one not leading the part (a seed may be negative).
		if i := strings.Index(part[1:], "-"); i >= 0 {
			from, to = part[:i+1], part[i+2:]
		}
		a, err1 := strconv.ParseInt(strings.TrimSpace(from), 10, 64)
		b, err2 := strconv.ParseInt(strings.TrimSpace(to), 10, 64)
		switch {
		case err1 != nil || err2 != nil:
			return nil, fmt.Errorf("seeds %q: %q is not a seed or a range A-B of seeds", s, part)
		case b < a:
			return nil, fmt.Errorf("seeds %q: the range %s ends before it starts", s, part)
		}
		if total += b - a + 1; total > maxSeeds || b-a+1 <= 0 {
			return nil, fmt.Errorf("seeds %q: more than %d seeds", s, int64(maxSeeds))
		}
		out = append(out, SeedRange{a, b})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("seeds %q: no seed (want e.g. 1-1000)", s)
	}
	return out, nil
}

// Len is the number of seeds (a seed listed twice counts twice).
func (s Seeds) Len() int64 {
	var n int64
	for _, r := range s {
		n += r.To - r.From + 1
	}
	return n
}

// Each calls f with each seed of shard sh, in order, with its position k
// in the whole list, until f returns false.
func (s Seeds) Each(sh Shard, f func(k int64, seed int64) bool) {
	var k int64
	for _, r := range s {
		for seed := r.From; ; seed++ {
			if !sh.Sharded() || k%int64(sh.Count) == int64(sh.Index) {
				if !f(k, seed) {
					return
				}
			}
			k++
			if seed == r.To {
				break
			}
		}
	}
}

// Count is the number of seeds that shard sh runs.
func (s Seeds) Count(sh Shard) int64 {
	n := s.Len()
	if !sh.Sharded() {
		return n
	}
	c := int64(sh.Count)
	count := n / c
	if int64(sh.Index) < n%c {
		count++ // one of the first n%c shards: one seed more
	}
	return count
}

func (s Seeds) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = strconv.FormatInt(r.From, 10)
		if r.To != r.From {
			parts[i] += "-" + strconv.FormatInt(r.To, 10)
		}
	}
	return strings.Join(parts, ",")
}
