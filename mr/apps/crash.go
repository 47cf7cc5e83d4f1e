package apps

import (
	"hash/crc32"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"distlab/internal/env"
	"distlab/mr"
)

// Ways for the crash app to stop a worker in the middle of a task.
var (
	// ExitProcess kills the worker process at once (exit status 1, no
	// cleanup), as a crashing machine would.
	ExitProcess = func() { os.Exit(1) }
	// ExitGoroutine stops the calling goroutine, which for an in-process
	// worker is the worker itself: its task is left unfinished and
	// unreported, and its deferred calls run.
	ExitGoroutine = runtime.Goexit
)

// Crash is NoCrash with failures: before each map and reduce call it draws
// from a generator seeded with seed, and calls stop a third of the time or
// sleeps up to ten seconds another third. Its output equals NoCrash's when
// the framework tolerates the failures.
func Crash(seed uint64, stop func()) App {
	c := &crasher{r: rand.New(rand.NewPCG(seed, 0x6d72)), stop: stop}
	return App{
		Name:   "crash",
		Map:    func(f, s string) []mr.KeyValue { c.maybeCrash(); return nocrashMap(f, s) },
		Reduce: func(k string, v []string) string { c.maybeCrash(); return nocrashReduce(k, v) },
	}
}

// NoCrash summarises each input file with three pairs keyed by its name
// (length, CRC-32 and number of words), and the reduce of a file's key sorts
// and joins them: "name 123 crc=... words=...".
func NoCrash() App {
	return App{Name: "nocrash", Map: nocrashMap, Reduce: nocrashReduce}
}

type crasher struct {
	mu   sync.Mutex
	r    *rand.Rand
	stop func()
}

func (c *crasher) maybeCrash() {
	c.mu.Lock()
	x := c.r.IntN(1000)
	d := time.Duration(c.r.Int64N(int64(10 * time.Second)))
	c.mu.Unlock()
	switch {
	case x < 333:
		c.stop()
	case x < 666:
		time.Sleep(d)
	}
}

func nocrashMap(filename, contents string) []mr.KeyValue {
	return []mr.KeyValue{
		{Key: filename, Value: strconv.Itoa(len(contents))},
		{Key: filename, Value: "crc=" + strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(contents))), 16)},
		{Key: filename, Value: "words=" + strconv.Itoa(len(strings.Fields(contents)))},
	}
}

func nocrashReduce(_ string, values []string) string {
	v := slices.Clone(values)
	slices.Sort(v)
	return strings.Join(v, " ")
}

// processSeed seeds the crash app of an mrworker process: DISTLAB_SEED if
// set (mixed with the process id, so workers differ), else the clock.
func processSeed() uint64 {
	if s, set, err := env.SeedValue(); set && err == nil {
		return uint64(s) ^ uint64(os.Getpid())<<32
	}
	return uint64(time.Now().UnixNano())
}
