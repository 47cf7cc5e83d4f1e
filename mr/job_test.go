package mr_test

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"

	"distlab/mr"
	"distlab/mr/apps"
)

// Each test runs a whole job in process under labtest.Run: workers are
// goroutines, the network is labrpc, and time is virtual (unless
// DISTLAB_REALTIME=1), so the ten-second re-assignment and the apps' sleeps
// cost no wall time.

func TestWordCountMatchesSequential(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 8, 40_000)
		app := apps.WordCount()
		res := job{app: app, files: files, dir: dir, nReduce: 10, workers: 3}.run(t)
		require.NoError(t, res.err)
		require.Empty(t, res.workerErrs)
		want := reference(t, app, files)
		require.Equal(t, want, outputs(t, dir))
		require.Greater(t, len(want), 1000, "the generated input should have many distinct words")

		// Every key is in the output file of its partition, and files are sorted.
		for r := range 10 {
			lines := readLinesUnsorted(t, filepath.Join(dir, mr.OutputName(r)))
			for i, l := range lines {
				require.Equal(t, r, mr.Partition(firstField(l), 10), "key of %q in the wrong output file", l)
				if i > 0 {
					require.Less(t, firstField(lines[i-1]), firstField(l), "mr-out-%d is not sorted by key", r)
				}
			}
		}
	})
}

func TestIndexerMatchesSequential(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 6, 20_000)
		app := apps.Indexer()
		res := job{app: app, files: files, dir: dir, nReduce: 7, workers: 2}.run(t)
		require.NoError(t, res.err)
		require.Equal(t, reference(t, app, files), outputs(t, dir))
	})
}

func TestWordCountCorrectOnUnreliableNetwork(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 5, 10_000)
		app := apps.WordCount()
		res := job{app: app, files: files, dir: dir, nReduce: 4, workers: 3, unreliable: true}.run(t)
		require.NoError(t, res.err)
		require.Equal(t, reference(t, app, files), outputs(t, dir))
	})
}

func TestMapsRunInParallel(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 8, 100)
		res := job{app: apps.MapTiming(dir), files: files, dir: dir, nReduce: 1, workers: 2}.run(t)
		require.NoError(t, res.err)
		require.Equal(t, []string{"parallel 2\n"}, outputs(t, dir), "two workers should run maps at the same time")
	})
}

func TestReducesRunInParallel(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 2, 100)
		res := job{app: apps.ReduceTiming(dir), files: files, dir: dir, nReduce: 10, workers: 2}.run(t)
		require.NoError(t, res.err)
		lines := outputs(t, dir)
		require.Len(t, lines, 10, "one line per key a..j")
		most := 0
		for _, l := range lines {
			_, v, _ := cutLine(l)
			n, err := strconv.Atoi(v)
			require.NoError(t, err, "line %q", l)
			most = max(most, n)
		}
		require.Equal(t, 2, most, "two workers should run reduces at the same time")
	})
}

func TestEachMapRunsOnceWithoutCrashes(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 8, 100)
		res := job{app: apps.JobCount(dir), files: files, dir: dir, nReduce: 1, workers: 4}.run(t)
		require.NoError(t, res.err)
		require.Equal(t, []string{"a 8\n"}, outputs(t, dir), "8 input files: 8 map calls, no more")
	})
}

func TestNoOutputChangesAfterFirstWorkerExits(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 8, 100)
		app := apps.EarlyExit()
		res := job{app: app, files: files, dir: dir, nReduce: 5, workers: 3}.run(t)
		require.NoError(t, res.err)
		final := snapshot(dir)
		require.Len(t, final, 5)
		require.Equal(t, final, res.atFirstExit, "outputs changed after the first worker exited")
		require.Equal(t, final, res.atDone, "outputs changed after the coordinator said Done")
		require.Equal(t, reference(t, app, files), outputs(t, dir))
	})
}

func TestCrashingWorkersStillProduceReferenceOutput(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		seed := labtest.WorldOf(t).Seed()
		// The crash app draws its crashes and stalls from its seed; under a
		// rare seed it stalls workers without stopping any. Every job must
		// give the reference output, and one of a few jobs must have had
		// workers stopped, so that the test always tests a crash.
		const jobs = 5
		for attempt := range jobs {
			dir := t.TempDir()
			files := genInputs(t, dir, seed, 8, 2_000)
			res := job{
				app: apps.Crash(uint64(seed)+uint64(attempt), apps.ExitGoroutine), files: files, dir: dir,
				nReduce: 10, workers: 3, restart: true,
			}.run(t)
			require.NoError(t, res.err)
			require.Equal(t, reference(t, apps.NoCrash(), files), outputs(t, dir))
			require.Equal(t, snapshot(dir), res.atDone, "outputs changed after the coordinator said Done")
			if res.workers > 3 {
				t.Logf("%d workers started; job took %v of virtual time", res.workers, res.elapsed)
				return
			}
		}
		t.Fatalf("the crash app stopped no worker in %d jobs", jobs)
	})
}

func TestSlowWorkersTaskIsReassignedAfterTimeout(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		seed := labtest.WorldOf(t).Seed()
		files := genInputs(t, dir, seed, 1, 1_000)
		// One worker stalls forever on the only map task (until the test ends).
		release, entered := make(chan struct{}), make(chan struct{})
		stalled := apps.WordCount()
		stall := stalled.Map
		stalled.Map = func(f, s string) []mr.KeyValue { close(entered); <-release; return stall(f, s) }
		start := time.Now()
		tr := newNet(t)
		c, err := mr.MakeCoordinatorWith(files, 2, mr.CoordinatorOptions{Transport: tr, Dir: dir})
		require.NoError(t, err)
		stuck := make(chan error)
		go func() { stuck <- mr.RunWorker(mr.WorkerOptions{Transport: tr}, stalled.Map, stalled.Reduce) }()
		<-entered // the stalled worker holds the map task
		healthy := make(chan error)
		wc := apps.WordCount()
		go func() { healthy <- mr.RunWorker(mr.WorkerOptions{Transport: tr}, wc.Map, wc.Reduce) }()
		require.NoError(t, c.Wait())
		took := time.Since(start)
		require.GreaterOrEqual(t, took, mr.DefaultTaskTimeout, "the task was handed out again too early")
		require.Less(t, took, mr.DefaultTaskTimeout+2*time.Second, "the task was not handed out again soon after its timeout")
		require.NoError(t, <-healthy)
		require.Equal(t, reference(t, wc, files), outputs(t, dir))
		before := snapshot(dir)
		close(release) // the slow worker finishes its copy late: nothing changes
		require.NoError(t, <-stuck)
		require.Equal(t, before, snapshot(dir))
		c.Close()
	})
}
