package mr_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"

	"distlab/internal/env"
	"distlab/internal/testattr"
	"distlab/labtest"
	"distlab/mr"
	"distlab/mr/apps"
)

// testSeed is DISTLAB_SEED if set, else random; it is logged and reported
// as the test's seed attribute so that a failing run can be repeated.
func testSeed(t *testing.T) int64 {
	t.Helper()
	seed, set, err := env.SeedValue()
	require.NoError(t, err)
	if !set {
		seed = rand.Int64()
	}
	t.Attr(testattr.Seed, strconv.FormatInt(seed, 10)) // for distlab test, as labtest.Run does
	t.Logf("seed %d (DISTLAB_SEED=%d to repeat)", seed, seed)
	return seed
}

// genInputs writes n text files of about size bytes each into dir: words
// drawn from a Zipf distribution over a seeded vocabulary (some capitalised,
// some with non-ASCII letters), separated by spaces, punctuation, digits and
// line breaks.
func genInputs(t *testing.T, dir string, seed int64, n, size int) []string {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéøß"
	alphabet := []rune(letters)
	vocab := make([]string, 3000)
	for i := range vocab {
		w := make([]rune, 1+r.IntN(10))
		for j := range w {
			if r.IntN(10) == 0 {
				w[j] = alphabet[r.IntN(len(alphabet))]
			} else {
				w[j] = alphabet[r.IntN(26)]
			}
		}
		vocab[i] = string(w)
	}
	zipf := rand.NewZipf(r, 1.2, 1, uint64(len(vocab)-1))
	seps := []string{" ", " ", " ", ", ", ". ", "\n", " 42 ", "--", "'"}
	var files []string
	for f := 0; f < n; f++ {
		var b strings.Builder
		for b.Len() < size {
			b.WriteString(vocab[zipf.Uint64()])
			b.WriteString(seps[r.IntN(len(seps))])
		}
		name := filepath.Join(dir, fmt.Sprintf("input-%d.txt", f))
		require.NoError(t, os.WriteFile(name, []byte(b.String()), 0o644))
		files = append(files, name)
	}
	return files
}

// reference returns the sorted lines of the sequential run of app.
func reference(t *testing.T, app apps.App, files []string) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "mr-correct")
	require.NoError(t, mr.RunSequential(files, out, app.Map, app.Reduce))
	return readLines(t, out)
}

func readLines(t *testing.T, names ...string) []string {
	t.Helper()
	var lines []string
	for _, n := range names {
		data, err := os.ReadFile(n)
		require.NoError(t, err)
		lines = append(lines, strings.SplitAfter(string(data), "\n")...)
	}
	lines = slices.DeleteFunc(lines, func(s string) bool { return s == "" })
	slices.Sort(lines)
	return lines
}

// outputs returns the sorted lines of every mr-out-* file in dir.
func outputs(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "mr-out-*"))
	require.NoError(t, err)
	return readLines(t, names...)
}

// snapshot returns the contents of every mr-out-* file in dir, by name; it
// may run on any goroutine.
func snapshot(dir string) map[string]string {
	names, _ := filepath.Glob(filepath.Join(dir, "mr-out-*"))
	m := map[string]string{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			data = []byte("unreadable: " + err.Error())
		}
		m[filepath.Base(n)] = string(data)
	}
	return m
}

// job describes an in-process run: a coordinator and workers on the test's
// labrpc network, inside labtest.Run.
type job struct {
	app     apps.App
	files   []string
	dir     string
	nReduce int
	workers int
	// restart starts a new worker whenever one stops before the job is over
	// (the crash app stops workers).
	restart bool
	// unreliable loses and delays messages as labrpc's classic unreliable network.
	unreliable bool
}

// result is what a job observed.
type result struct {
	err error
	// atDone is the outputs when the coordinator first said Done.
	atDone map[string]string
	// atFirstExit is the outputs when the first worker returned.
	atFirstExit map[string]string
	// workers is how many workers were started in all.
	workers int
	// workerErrs are errors returned by workers.
	workerErrs []error
	// elapsed is the job's duration on the bubble's clock.
	elapsed time.Duration
}

// run runs the job to the end: every worker has returned, the coordinator
// is closed and the network cleaned up, so no goroutine is left behind.
func (j job) run(t *testing.T) result {
	t.Helper()
	start := time.Now()
	net := labtest.WorldOf(t).Network()
	net.Reliable(!j.unreliable)
	tr := mr.Labrpc(net, "coordinator")
	c, err := mr.MakeCoordinatorWith(j.files, j.nReduce, mr.CoordinatorOptions{Transport: tr, Dir: j.dir})
	require.NoError(t, err)

	type exit struct {
		err    error
		normal bool
	}
	exits := make(chan exit)
	var firstExit sync.Once
	var res result
	started := 0
	startWorker := func() {
		started++
		opts := mr.WorkerOptions{Transport: tr, Name: fmt.Sprintf("w%d", started)}
		go func() {
			var e exit
			defer func() { exits <- e }() // runs too when the app stops this goroutine
			e.err = mr.RunWorker(opts, j.app.Map, j.app.Reduce)
			e.normal = true
			firstExit.Do(func() { res.atFirstExit = snapshot(j.dir) })
		}()
	}
	for range j.workers {
		startWorker()
	}
	doneCh := make(chan error, 1)
	go func() {
		err := c.Wait()
		res.atDone = snapshot(j.dir)
		doneCh <- err
	}()
	// Close the coordinator only once every worker has returned: a reply
	// still in flight when labrpc deletes the server would be lost.
	defer c.Close()
	running := j.workers
	waitingForCoordinator := true
	for running > 0 || waitingForCoordinator {
		select {
		case e := <-exits:
			running--
			if e.err != nil {
				res.workerErrs = append(res.workerErrs, e.err)
			}
			if !e.normal && j.restart && !c.Done() {
				startWorker()
				running++
			}
		case res.err = <-doneCh:
			waitingForCoordinator = false
		}
	}
	res.workers = started
	res.elapsed = time.Since(start)
	return res
}

// firstField returns the key of an output line.
func firstField(line string) string {
	k, _, _ := strings.Cut(line, " ")
	return k
}

// readLinesUnsorted returns the lines of a file in file order.
func readLinesUnsorted(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	return strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
}

// cutLine splits an output line into key and value.
func cutLine(line string) (key, value string, ok bool) {
	return strings.Cut(strings.TrimSuffix(line, "\n"), " ")
}

// newNet returns the transport of a coordinator on the test's labrpc
// network (which labtest.Run cleans up).
func newNet(t *testing.T) mr.Transport {
	t.Helper()
	return mr.Labrpc(labtest.WorldOf(t).Network(), "coordinator")
}

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 2)) }

func isLetter(r rune) bool { return unicode.IsLetter(r) }
