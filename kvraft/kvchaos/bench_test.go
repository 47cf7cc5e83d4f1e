package kvchaos

import (
	"fmt"
	"io"
	"runtime/debug"
	"syscall"
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

// BenchmarkKvraftCampaignSeedsPerSecond runs seeds as a campaign of
// distlab chaos kvraft with -p 1 does — one bubble per seed (RunSeed), 10
// virtual seconds of faults with the lab's defaults, no artefacts, GOGC
// 400 — one seed per iteration, and reports seeds per wall second, the
// process's CPU time per seed (user + system, GC included) and the
// operations per seed (to show that a faster run did the same work). On a shared
// machine the CPU figure is the steadier one: a 2-core machine runs at
// most 2/cpu-s-per-seed seeds per second with -p 2.
func BenchmarkKvraftCampaignSeedsPerSecond(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	seed, ops := int64(0), 0
	cpu0 := cpuTime(b)
	start := time.Now()
	for b.Loop() {
		seed++
		ok := testing.RunTests(func(pat, str string) (bool, error) { return true, nil },
			[]testing.InternalTest{{Name: "Seed", F: func(t *testing.T) {
				labtest.RunSeed(t, seed, func(t *testing.T) {
					ops += chaos.Run(t, "kvraft", chaos.Config{Duration: 10 * time.Second, Out: io.Discard}).Ops
				})
			}}})
		if !ok {
			b.Fatalf("kvraft chaos run with seed %d failed: replay it with distlab chaos kvraft -seed %d", seed, seed)
		}
	}
	wall, cpu := time.Since(start), cpuTime(b)-cpu0
	b.ReportMetric(float64(seed)/wall.Seconds(), "seeds/wall-s")
	b.ReportMetric(cpu.Seconds()/float64(seed), "cpu-s/seed")
	b.ReportMetric(float64(ops)/float64(seed), "ops/seed")
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
