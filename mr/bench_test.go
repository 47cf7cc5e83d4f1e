package mr_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// gutenbergDir is the benchmark data, ../shared/data/gutenberg beside the
// module root. Tests never read it; the benchmark skips without it.
const gutenbergDir = "../../shared/data/gutenberg"

// BenchmarkWordCountGutenberg times word count over the Gutenberg books with
// the real programs: mrsequential, then mrcoordinator with 1, 2 and 4
// mrworker processes over a unix socket, from the coordinator's start to the
// last process's exit. Each run with workers reports its time as a multiple
// of mrsequential's, measured alternately in the same loop ("x-sequential"),
// its CPU time (all processes) as a multiple of mrsequential's
// ("cpu-x-sequential", which machine load hardly affects), and the peak
// resident memory of its largest worker ("worker-peak-MB").
func BenchmarkWordCountGutenberg(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(gutenbergDir, "*.txt"))
	if len(files) == 0 {
		b.Skipf("no benchmark data in %s (../shared/data/gutenberg beside the module root)", gutenbergDir)
	}
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			b.Fatal(err)
		}
		files[i] = abs
	}
	bin := buildCommands(b)
	b.Run("sequential", func(b *testing.B) {
		var peak int64
		for b.Loop() {
			rss, _ := runSequentialOnce(b, bin, files)
			peak = max(peak, rss)
		}
		b.ReportMetric(float64(peak)/1024, "peak-MB")
	})
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			// Each iteration also runs mrsequential (untimed), right before,
			// so that the ratio compares runs under the same machine load.
			var peak int64
			var seq, dist, seqCPU, distCPU time.Duration
			for b.Loop() {
				b.StopTimer()
				start := time.Now()
				_, cpu := runSequentialOnce(b, bin, files)
				seq += time.Since(start)
				seqCPU += cpu
				b.StartTimer()
				start = time.Now()
				rss, cpu := runDistributed(b, bin, files, n)
				dist += time.Since(start)
				distCPU += cpu
				peak = max(peak, rss)
			}
			b.ReportMetric(float64(dist)/float64(seq), "x-sequential")
			b.ReportMetric(float64(distCPU)/float64(seqCPU), "cpu-x-sequential")
			b.ReportMetric(float64(peak)/1024, "worker-peak-MB")
		})
	}
}

// runSequentialOnce runs mrsequential wc once and returns its peak RSS in
// KiB and the CPU time it used.
func runSequentialOnce(b *testing.B, bin string, files []string) (int64, time.Duration) {
	cmd := exec.Command(filepath.Join(bin, "mrsequential"), append([]string{"wc"}, files...)...)
	cmd.Dir = b.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("mrsequential: %v\n%s", err, out)
	}
	return maxRSS(cmd), cpuTime(cmd)
}

// runDistributed runs one word count job with n worker processes and returns
// the largest peak RSS of a worker, in KiB, and the CPU time of all processes.
func runDistributed(b *testing.B, bin string, files []string, n int) (int64, time.Duration) {
	dir := b.TempDir()
	sock := "unix:" + filepath.Join(dir, "s")
	coord := exec.Command(filepath.Join(bin, "mrcoordinator"), append([]string{"-addr", sock}, files...)...)
	coord.Dir = dir
	coord.Stderr = os.Stderr
	if err := coord.Start(); err != nil {
		b.Fatal(err)
	}
	workers := make([]*exec.Cmd, n)
	for i := range workers {
		w := exec.Command(filepath.Join(bin, "mrworker"), "-addr", sock, "wc")
		w.Dir = dir
		w.Stderr = os.Stderr
		if err := w.Start(); err != nil {
			b.Fatal(err)
		}
		workers[i] = w
	}
	var peak int64
	var cpu time.Duration
	for _, w := range workers {
		if err := w.Wait(); err != nil {
			b.Fatalf("mrworker: %v", err)
		}
		peak = max(peak, maxRSS(w))
		cpu += cpuTime(w)
	}
	if err := coord.Wait(); err != nil {
		b.Fatalf("mrcoordinator: %v", err)
	}
	return peak, cpu + cpuTime(coord)
}

// cpuTime returns the user and system CPU time of a finished process.
func cpuTime(cmd *exec.Cmd) time.Duration {
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// maxRSS returns the peak resident set size of a finished process in KiB.
func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
