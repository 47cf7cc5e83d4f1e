package campaign

import (
	"fmt"
	"strconv"
	"strings"

	"distlab/internal/env"
)

// The environment variables a Shard is read from when no -shard flag is
// given (their one reader is distlab/internal/env). Kubernetes sets
// JOB_COMPLETION_INDEX in each pod of an Indexed Job (0, 1, ...,
// completions-1); the total is not in the environment there, so the Job's
// manifest sets DISTLAB_SHARDS to its completions. A CI matrix sets
// DISTLAB_SHARD to "i/n" itself.
const (
	EnvShard    = env.Shard    // "i/n": this is shard i (from 0) of n
	EnvShards   = env.Shards   // n, with the index from JOB_COMPLETION_INDEX
	EnvJobIndex = env.JobIndex // set by Kubernetes in an Indexed Job's pods
)

// ShardFlagHelp is the usage of a -shard flag.
const ShardFlagHelp = "run only shard `i/n` of the work (i from 0), every n-th item from the i-th; default $" + EnvShard + ", or $" + EnvJobIndex + " of $" + EnvShards

// A Shard is one of Count disjoint slices of a sequence of work items
// (seeds of a campaign, runs of distlab test): item k belongs to shard
// k mod Count. The zero value, like 0/1, is the whole sequence.
//
// Interleaving rather than cutting the sequence into blocks gives every
// shard a like mix of the work (slow tests, early and late seeds) and
// needs no knowledge of the sequence's length.
type Shard struct {
	Index int // 0 <= Index < Count
	Count int // 0 or 1: not sharded
}

// ParseShard reads "i/n", 0 <= i < n.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want i/n, e.g. 0/4 for the first of four", s)
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("shard %q: want i/n with two integers, e.g. 0/4", s)
	case n < 1:
		return Shard{}, fmt.Errorf("shard %q: want at least 1 shard, not %d", s, n)
	case i < 0 || i >= n:
		return Shard{}, fmt.Errorf("shard %q: the index counts from 0 and must be below %d", s, n)
	}
	return Shard{Index: i, Count: n}, nil
}

// ShardFromEnv returns the shard the environment names: $DISTLAB_SHARD
// ("i/n"), else $JOB_COMPLETION_INDEX of $DISTLAB_SHARDS; the whole
// sequence when neither is set. A half-set or malformed environment is an
// error naming the variable.
func ShardFromEnv() (Shard, error) {
	text, from, err := env.ShardValue()
	if err != nil || text == "" {
		return Shard{}, err
	}
	sh, err := ParseShard(text)
	if err != nil {
		return Shard{}, fmt.Errorf("%s: %w", from, err)
	}
	return sh, nil
}

// ResolveShard returns the shard of a -shard flag's value, or, when the
// flag is empty, the environment's.
func ResolveShard(flag string) (Shard, error) {
	if flag != "" {
		sh, err := ParseShard(flag)
		if err != nil {
			return Shard{}, fmt.Errorf("-shard: %w", err)
		}
		return sh, nil
	}
	return ShardFromEnv()
}

// Sharded reports whether s is a proper slice of the work.
func (s Shard) Sharded() bool { return s.Count > 1 }

// Has reports whether item k (counted from 0) belongs to the shard.
func (s Shard) Has(k int) bool {
	if s.Count <= 1 {
		return true
	}
	return k%s.Count == s.Index
}

// String is "i/n", or "all".
func (s Shard) String() string {
	if !s.Sharded() {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}
