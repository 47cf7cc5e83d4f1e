//go:build race

package paxos_test

// Under the race detector each chaos run costs several times as much; CI
// runs the suite with -race, so it runs fewer by default (-chaos.runs or
// DISTLAB_CHAOS_RUNS for more).
func init() { defaultChaosRuns = 3 }
