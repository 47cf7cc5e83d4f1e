package shardchaos

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/porcupine"

	"github.com/stretchr/testify/require"
)

func TestChaosRunIsLinearizableAndLive(t *testing.T) {
	var s chaos.Summary
	labtest.Run(t, func(t *testing.T) {
		s = chaos.Run(t, "shardkv", chaos.Config{Duration: 10 * time.Second, Round: 5 * time.Second})
	})
	require.True(t, s.OK())
	require.Equal(t, porcupine.Ok, s.Verdict)
	require.Positive(t, s.Ops)
	require.Positive(t, s.FaultCount(), "the nemeses injected no fault in 10 s")
	var out strings.Builder
	s.Print(&out)
	t.Log(out.String())
}

func TestBadLabFlagIsNamed(t *testing.T) {
	var out, errs strings.Builder
	require.Equal(t, 2, chaos.Command([]string{"shardkv", "-groups", "0"}, &out, &errs))
	require.Contains(t, errs.String(), "-groups")
}

// TestChaosSeeds runs one chaos run per seed in SHARDCHAOS_SEEDS ("1-2000"
// or "7"; default "1-2") and fails on any violation or liveness failure.
//
//	SHARDCHAOS_SEEDS=1-2000 go test ./shardkv/shardchaos -run TestChaosSeeds -timeout 0
func TestChaosSeeds(t *testing.T) {
	lo, hi := int64(1), int64(2)
	if v := os.Getenv("SHARDCHAOS_SEEDS"); v != "" {
		a, b, found := strings.Cut(v, "-")
		var err error
		lo, err = strconv.ParseInt(a, 10, 64)
		require.NoError(t, err, "SHARDCHAOS_SEEDS=%q: want N or N-M", v)
		hi = lo
		if found {
			hi, err = strconv.ParseInt(b, 10, 64)
			require.NoError(t, err, "SHARDCHAOS_SEEDS=%q: want N or N-M", v)
		}
	}
	start := time.Now()
	var bad []int64
	ops, faults := 0, 0
	for seed := lo; seed <= hi; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Setenv(labtest.EnvSeed, fmt.Sprint(seed))
			labtest.Run(t, func(t *testing.T) {
				s := chaos.Run(t, "shardkv", chaos.Config{})
				ops += s.Ops
				faults += s.FaultCount()
				if !s.OK() {
					bad = append(bad, seed)
				}
			})
		})
	}
	t.Logf("%d seeds, %d operations, %d faults, %v wall; failing seeds: %v", hi-lo+1, ops, faults, time.Since(start).Round(time.Millisecond), bad)
	require.Empty(t, bad)
}

// TestNoGroupFaultStrikesWhileTheHealedClusterIsProbed replays seed 7335 of
// a 10,000-seed campaign, whose liveness check failed: the administrator
// crashed a whole group, then cut the controller off, within the 10 s in
// which the healed cluster had to serve the probe. Group-level faults now
// wait until the probe is done.
func TestNoGroupFaultStrikesWhileTheHealedClusterIsProbed(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // as distlab chaos runs it
	var s chaos.Summary
	labtest.RunSeed(t, 7335, func(t *testing.T) {
		s = chaos.Run(t, "shardkv", chaos.Config{Duration: 10 * time.Second, Out: io.Discard})
	})
	require.True(t, s.OK(), "%+v", s)
}
