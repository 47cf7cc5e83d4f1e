package kvchaos

import (
	"fmt"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/labtest/chaos"
)

// BenchmarkChaosRun10s runs default chaos runs (5 servers, 5 clients, 10
// virtual seconds of faults), one seed per iteration, and reports how many
// complete per wall second, the porcupine check time per run, and the
// operations per run.
func BenchmarkChaosRun10s(b *testing.B) {
	var wall, check time.Duration
	runs, ops := 0, 0
	for b.Loop() {
		b.Setenv(labtest.EnvSeed, fmt.Sprint(runs+1))
		start := time.Now()
		var s chaos.Summary
		ok := testing.RunTests(func(pat, str string) (bool, error) { return true, nil },
			[]testing.InternalTest{{Name: "ChaosRun", F: func(t *testing.T) {
				labtest.Run(t, func(t *testing.T) { s = chaos.Run(t, "kvraft", chaos.Config{}) })
			}}})
		wall += time.Since(start)
		if !ok {
			b.Fatalf("chaos run with seed %d failed", runs+1)
		}
		runs++
		ops += s.Ops
		check += s.CheckTime
	}
	b.ReportMetric(float64(runs)/wall.Seconds(), "runs/wall-s")
	b.ReportMetric(float64(check.Microseconds())/1000/float64(runs), "check-ms/run")
	b.ReportMetric(float64(ops)/float64(runs), "ops/run")
}
