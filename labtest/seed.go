package labtest

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// The environment variables that labtest reads. They are documented in the
// package guide.
const (
	EnvSeed      = "DISTLAB_SEED"      // fixes the seed of every random choice
	EnvRealtime  = "DISTLAB_REALTIME"  // "1": run on the real clock instead of in a bubble
	EnvReplay    = "DISTLAB_REPLAY"    // path of a schedule.json to replay
	EnvArtifacts = "DISTLAB_ARTIFACTS" // folder under which failure artefacts are written
	EnvLog       = "DISTLAB_LOG"       // "1": keep the per-peer log in memory for the artefacts
	EnvTimeout   = "DISTLAB_TIMEOUT"   // time limit of a test, on its clock (default 10m; "0": none)
)

// DefaultTimeLimit is how long a test may take on its clock (virtual in a
// bubble, real with DISTLAB_REALTIME=1) before the harness declares it
// stuck (see Run).
const DefaultTimeLimit = 10 * time.Minute

// timeLimit returns the time limit of a test: DISTLAB_TIMEOUT, or
// DefaultTimeLimit (none for a body run by Main, whose command chooses its
// own durations); 0 means none.
func timeLimit() (time.Duration, error) {
	s := strings.TrimSpace(os.Getenv(EnvTimeout))
	switch s {
	case "":
		if mainArgs != nil {
			return 0, nil
		}
		return DefaultTimeLimit, nil
	case "0", "off", "none":
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s=%q is not a duration such as \"5m\" (or 0 for no limit)", EnvTimeout, s)
	}
	return d, nil
}

// seedFromEnv returns the seed that DISTLAB_SEED fixes, or a freshly drawn
// one. The error names the variable when its value is not an integer.
func seedFromEnv() (seed int64, fixed bool, err error) {
	s := strings.TrimSpace(os.Getenv(EnvSeed))
	if s == "" {
		return rand.Int64N(1 << 53), false, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s=%q is not an integer seed: %w", EnvSeed, s, err)
	}
	return v, true, nil
}

// envOn reports whether a boolean environment variable is set to a true value.
func envOn(name string) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(name))) {
	case "", "0", "false", "off", "no":
		return false
	}
	return true
}

// Realtime reports whether tests run on the real clock (DISTLAB_REALTIME=1)
// rather than in a virtual-time bubble.
func Realtime() bool { return envOn(EnvRealtime) }

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
