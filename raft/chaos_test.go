package raft_test

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/labtest/chaos"
	_ "distlab/raft/rafttest" // the raft lab's chaos hooks
)

var chaosRuns = flag.Int("chaos.runs", 20, "number of chaos runs (each with its own seed); DISTLAB_CHAOS_RUNS overrides")

func numChaosRuns(t *testing.T) int {
	if s := os.Getenv("DISTLAB_CHAOS_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("DISTLAB_CHAOS_RUNS=%q: want a positive number of runs", s)
		}
		return n
	}
	return *chaosRuns
}

// TestSafetyAndLivenessUnderRandomFaults runs many chaos runs, each under
// its own seed: a random nemesis partitions, crashes, restarts, disconnects
// and cuts peers and changes the network's mode while clients submit
// commands. The invariants are checked all along, and after every round
// of faults the healed cluster must commit within 10 s.
func TestSafetyAndLivenessUnderRandomFaults(t *testing.T) {
	for k := 0; k < numChaosRuns(t); k++ {
		t.Run(fmt.Sprintf("run%02d", k), func(t *testing.T) {
			if !labtest.Realtime() {
				// On the real clock the harness's leak check cannot tell
				// parallel tests' goroutines apart.
				t.Parallel()
			}
			run(t, func(t *testing.T) {
				s := chaos.Run(t, "raft", chaos.Config{Duration: 10 * time.Second, Round: 5 * time.Second},
					fmt.Sprintf("-snapshots=%v", k%2 == 1))
				if s.Ops == 0 || s.FaultCount() == 0 {
					t.Fatalf("a chaos run with %d operations and %d faults tested nothing", s.Ops, s.FaultCount())
				}
			})
		})
	}
}

// TestSafetyAndLivenessUnderPausesAndLinkFaults runs chaos runs with the
// fault kinds that the nemesis leaves out by default: a paused leader comes
// back believing it leads, and slow, lossy and duplicating links reorder,
// lose and repeat its messages.
func TestSafetyAndLivenessUnderPausesAndLinkFaults(t *testing.T) {
	for k := 0; k < 4; k++ {
		t.Run(fmt.Sprintf("run%02d", k), func(t *testing.T) {
			if !labtest.Realtime() {
				t.Parallel()
			}
			run(t, func(t *testing.T) {
				s := chaos.Run(t, "raft", chaos.Config{Duration: 10 * time.Second, Round: 5 * time.Second,
					Nemesis: labtest.NemesisConfig{Rates: map[string]float64{"pause": 2, "slow": 1, "lossy": 1, "duplicate": 1, "crash": 1, "restart": 1}}},
					fmt.Sprintf("-snapshots=%v", k%2 == 1))
				if s.Faults[labtest.KindPause]+s.Faults[labtest.KindSlow]+s.Faults[labtest.KindLossy]+s.Faults[labtest.KindDuplicate] == 0 {
					t.Fatalf("a run without a pause or a link fault: %v", s.Faults)
				}
			})
		})
	}
}
