package labtest

import (
	"hash/fnv"
	"math/rand/v2"
	"time"

	"distlab/internal/env"
)

// The environment variables that labtest reads. They are documented in the
// package guide; their one definition, and the parser of each, is in
// distlab/internal/env.
const (
	EnvSeed      = env.Seed      // fixes the seed of every random choice
	EnvRealtime  = env.Realtime  // "1": run on the real clock instead of in a bubble
	EnvReplay    = env.Replay    // path of a schedule.json to replay
	EnvArtifacts = env.Artifacts // folder under which failure artefacts are written
	EnvLog       = env.Log       // "1": keep the per-peer log in memory for the artefacts
	EnvTimeout   = env.Timeout   // time limit of a test, on its clock (default 10m; "0": none)
)

// defaultTimeLimit is how long a test may take on its clock (virtual in a
// bubble, real with DISTLAB_REALTIME=1) before the harness declares it
// stuck (see Run).
const defaultTimeLimit = 10 * time.Minute

// timeLimit returns the time limit of a test: DISTLAB_TIMEOUT, or
// defaultTimeLimit (none for a body run by Main, whose command chooses its
// own durations); 0 means none.
func timeLimit() (time.Duration, error) {
	d, set, err := env.TimeoutValue()
	switch {
	case err != nil:
		return 0, err
	case set:
		return d, nil
	case mainArgs != nil:
		return 0, nil
	}
	return defaultTimeLimit, nil
}

// seedFromEnv returns the seed that DISTLAB_SEED fixes, or a freshly drawn
// one. The error names the variable when its value is not an integer.
func seedFromEnv() (seed int64, fixed bool, err error) {
	seed, fixed, err = env.SeedValue()
	if err != nil || fixed {
		return seed, fixed, err
	}
	return rand.Int64N(1 << 53), false, nil
}

// Realtime reports whether tests run on the real clock (DISTLAB_REALTIME=1)
// rather than in a virtual-time bubble.
func Realtime() bool { return env.RealtimeOn() }

// deriveRand returns a generator determined by seed and a purpose string, so
// that the harness's several streams (its own choices, each nemesis) do not
// shift one another.
func deriveRand(seed int64, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// jitter returns a duration drawn uniformly from [d/2, 3d/2).
func jitter(r *rand.Rand, d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + time.Duration(r.Int64N(int64(d)))
}
