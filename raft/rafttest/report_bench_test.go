package rafttest

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"distlab/internal/browsertest"
	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/labtest/report"
)

// runAsTest runs body with labtest.Run as a test of its own, from a
// benchmark (Run needs a *testing.T), and reports whether it passed.
func runAsTest(name string, body func(t *testing.T)) bool {
	return testing.RunTests(func(pat, str string) (bool, error) { return true, nil },
		[]testing.InternalTest{{Name: name, F: func(t *testing.T) { labtest.Run(t, body) }}})
}

// BenchmarkChaosRecording runs the same 30-virtual-second raft chaos run
// (one seed) without and with the run recorder, alternately (each first in
// every other iteration), and reports the wall and CPU time of each and
// their ratios: what recording every message costs. CPU time is the
// process's, which other work on a loaded machine disturbs less than wall
// time.
func BenchmarkChaosRecording(b *testing.B) {
	b.Setenv(labtest.EnvSeed, "1")
	cfg := chaos.Config{Duration: 30 * time.Second}
	var wall, cpu [2]time.Duration // [unrecorded, recorded]
	i := 0
	for b.Loop() {
		for k := range 2 {
			recorded := (i+k)%2 == 1
			os.Setenv(labtest.EnvTrace, map[bool]string{false: "0", true: ""}[recorded])
			start, cpu0 := time.Now(), cpuTime()
			if !runAsTest("ChaosRecording", func(t *testing.T) { chaos.Run(t, "raft", cfg) }) {
				b.Fatal("the chaos run failed")
			}
			j := map[bool]int{false: 0, true: 1}[recorded]
			wall[j] += time.Since(start)
			cpu[j] += cpuTime() - cpu0
		}
		i++
	}
	os.Unsetenv(labtest.EnvTrace)
	n := float64(b.N)
	b.ReportMetric(float64(wall[0].Milliseconds())/n, "wall-ms/run-unrecorded")
	b.ReportMetric(float64(wall[1].Milliseconds())/n, "wall-ms/run-recorded")
	b.ReportMetric(float64(wall[1])/float64(wall[0]), "wall-recorded/unrecorded")
	b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-recorded/unrecorded")
}

// BenchmarkTenMinuteChaosReport writes the run report of a 10-virtual-
// minute raft chaos run (with the per-peer log, as "distlab chaos raft
// -report" does) and measures, in headless Chromium, how long the page
// takes to first render (data-render-ms: from the script's start to the
// first drawn view, parsing the data included) and how long Chromium takes
// to load it and dump the DOM, with the files' sizes.
func BenchmarkTenMinuteChaosReport(b *testing.B) {
	chromium := browsertest.Chromium(b)
	dir := browsertest.ArtifactDir(b, "report-10min")
	b.Setenv(labtest.EnvSeed, "1")
	b.Setenv(labtest.EnvLog, "1")
	b.Setenv("DISTLAB_VERBOSE", "")
	b.Setenv(labtest.EnvTimeout, "0") // the run is longer than the default limit of 10m
	var kept, total int
	if !runAsTest("TenMinuteChaos", func(t *testing.T) {
		chaos.Run(t, "raft", chaos.Config{Duration: 10 * time.Minute, Round: 10 * time.Second})
		if _, err := labtest.WorldOf(t).WriteReport(dir); err != nil {
			t.Fatal(err)
		}
		total, kept = labtest.WorldOf(t).Recorder().Counts()
	}) {
		b.Fatal("the chaos run failed")
	}
	page := filepath.Join(dir, report.HTMLFile)
	renderMs := regexp.MustCompile(`data-render-ms="(\d+)"`)
	var render, load float64
	for b.Loop() {
		start := time.Now()
		out, _ := browsertest.Run(b, chromium, "--dump-dom", "file://"+page)
		load += float64(time.Since(start).Milliseconds())
		m := renderMs.FindSubmatch(out)
		if m == nil {
			b.Fatal("the page did not render (no data-render-ms)")
		}
		ms, _ := strconv.Atoi(string(m[1]))
		render += float64(ms)
	}
	size := func(name string) float64 {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		return float64(st.Size()) / (1 << 20)
	}
	b.ReportMetric(render/float64(b.N), "render-ms")
	b.ReportMetric(load/float64(b.N), "chromium-load-ms")
	b.ReportMetric(size(report.HTMLFile), "html-MiB")
	b.ReportMetric(size(report.JSONFile), "json-MiB")
	b.ReportMetric(float64(kept), "messages-kept")
	b.ReportMetric(float64(total), "messages-total")
	b.Logf("page: %s", page)
}
