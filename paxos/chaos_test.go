package paxos_test

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/labtest/chaos"
	_ "distlab/paxos/paxostest" // registers the paxos lab
)

// defaultChaosRuns is the number of chaos runs without -chaos.runs (fewer
// under -race: race_test.go).
var defaultChaosRuns = 8

var chaosRuns = flag.Int("chaos.runs", 0, "number of chaos runs (each with its own seed; default 8, 3 with -race); DISTLAB_CHAOS_RUNS overrides")

func numChaosRuns(t *testing.T) int {
	if s := os.Getenv("DISTLAB_CHAOS_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("DISTLAB_CHAOS_RUNS=%q: want a positive number of runs", s)
		}
		return n
	}
	if *chaosRuns > 0 {
		return *chaosRuns
	}
	return defaultChaosRuns
}

// TestAgreementAndLivenessUnderRandomFaults runs many chaos runs of the
// paxos lab on labtest's chaos layer, each under its own seed: a random
// nemesis partitions, crashes, restarts, disconnects and cuts peers and
// changes the network's mode while proposers duel over instances and
// peers forget what they are done with. The agreement invariant is checked
// all along, and after every round the healed group decides every
// instance everywhere within 10 s.
func TestAgreementAndLivenessUnderRandomFaults(t *testing.T) {
	for k := range numChaosRuns(t) {
		t.Run(fmt.Sprintf("run%02d", k), func(t *testing.T) {
			if !labtest.Realtime() {
				t.Parallel()
			}
			run(t, func(t *testing.T) {
				s := chaos.Run(t, "paxos", chaos.Config{Duration: 10 * time.Second, Round: 5 * time.Second, Servers: 3 + 2*(k%2)})
				if s.Ops == 0 || s.FaultCount() == 0 {
					t.Fatalf("a chaos run with %d operations and %d faults tested nothing", s.Ops, s.FaultCount())
				}
			})
		})
	}
}
