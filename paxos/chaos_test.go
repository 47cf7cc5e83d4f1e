package paxos_test

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/paxos/paxostest"
)

var chaosRuns = flag.Int("chaos.runs", 8, "number of chaos runs (each with its own seed); DISTLAB_CHAOS_RUNS overrides")

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

// TestAgreementAndLivenessUnderRandomFaults runs many chaos runs, each under
// its own seed: a random nemesis partitions, crashes, restarts, disconnects
// and cuts peers and changes the network's mode while proposers at every
// peer duel over instances and peers forget what they are done with. The
// agreement invariant is checked all along, and after every round the
// healed group decides every instance everywhere within 10 s.
func TestAgreementAndLivenessUnderRandomFaults(t *testing.T) {
	for k := range numChaosRuns(t) {
		t.Run(fmt.Sprintf("run%02d", k), func(t *testing.T) {
			if !labtest.Realtime() {
				t.Parallel()
			}
			run(t, func(t *testing.T) {
				rep := paxostest.Chaos(t, paxostest.ChaosConfig{Duration: 10 * time.Second, Round: 5 * time.Second, Servers: 3 + 2*(k%2)})
				if rep.Instances == 0 || rep.Faults == 0 {
					t.Fatalf("a chaos run with %d instances and %d faults tested nothing", rep.Instances, rep.Faults)
				}
				t.Logf("instances=%d proposals=%d min=%d faults=%d rpcs=%d recovery=%v",
					rep.Instances, rep.Proposals, rep.Min, rep.Faults, rep.RPCs, rep.Recovery)
			})
		})
	}
}
