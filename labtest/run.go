package labtest

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"distlab/internal/env"
	"distlab/internal/testattr"
	"distlab/lablog"
)

// Run runs body as the test t: in a virtual-time bubble (testing/synctest)
// by default, on the real clock when DISTLAB_REALTIME=1. Inside body, t is
// the test's T (in a bubble, a T of the bubble: t.Run and t.Parallel are
// not available there) and WorldOf(t) its World.
//
// Before body, Run fixes the seed (DISTLAB_SEED, the replayed schedule's,
// or a random one), makes the World and its network, and starts the test's
// clock. After body and its cleanups, it kills every cluster's servers,
// cleans up the network, checks that no goroutine outlives the test, and
// logs one summary line:
//
//	distlab: virtual=12.5s wall=48ms rpcs=1834 bytes=201377 seed=8172635
//
// When the test failed it also writes the failure artefacts and logs
//
//	distlab: artifacts=/tmp/distlab-TestX-123/
//	distlab: replay: DISTLAB_REPLAY=/tmp/distlab-TestX-123/schedule.json go test ./raft -run '^TestX$'
//
// The same facts are test attributes (t.Attr) for tools: the seed as the
// test starts, the virtual time, artefact folder and replay command at its
// end, with the keys of distlab/internal/testattr; go test -json reports
// each as an event with "Action":"attr".
//
// A goroutine still running after the test (a leak) fails the test. In a
// bubble a leaked goroutine would keep the bubble alive for ever, so after
// logging the report Run panics, which ends the test binary.
func Run(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	run(t, runSeed, body)
}

// RunSeed is Run with the given seed, whatever DISTLAB_SEED says, and
// nothing replayed: for a tool that runs many seeds in one process — a
// campaign of distlab chaos, one bubble per seed, several at once — where
// one environment variable cannot hold them all.
func RunSeed(t *testing.T, seed int64, body func(t *testing.T)) {
	t.Helper()
	run(t, func(*testing.T) (int64, *Schedule, error) { return seed, nil, nil }, body)
}

// run is Run with the seed (and schedule) that seedOf chooses.
func run(t *testing.T, seedOf func(*testing.T) (int64, *Schedule, error), body func(t *testing.T)) {
	t.Helper()
	seed, replay, err := seedOf(t)
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	t.Attr(testattr.Seed, strconv.FormatInt(seed, 10))
	limit, err := timeLimit()
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	if Realtime() {
		before := goroutineIDs()
		w := newWorld(t, seed, false)
		w.replay, w.before, w.runner = replay, before, currentGoroutine().id
		w.bind(t)
		w.captureLogs()
		t.Cleanup(func() { w.finish(t, before) })
		w.startWatchdog(t, limit)
		body(t)
		return
	}
	o := startOutside()
	defer o.stop()
	w := newWorld(t, seed, true)
	w.replay, w.outside = replay, o
	synctest.Test(t, func(t *testing.T) {
		w.bind(t)
		w.captureLogs()
		t.Cleanup(func() { w.finish(t, nil) })
		w.startWatchdog(t, limit)
		body(t)
	})
}

// runSeed returns the test's seed and, under DISTLAB_REPLAY, the schedule
// to replay. A replayed schedule's seed wins unless DISTLAB_SEED is set. A
// schedule of another test is not replayed: that test runs as usual, with
// a note in its log.
func runSeed(t *testing.T) (int64, *Schedule, error) {
	seed, fixed, err := seedFromEnv()
	if err != nil {
		return 0, nil, err
	}
	path := env.ReplayPath()
	if path == "" {
		return seed, nil, nil
	}
	s, err := LoadSchedule(path)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", EnvReplay, err)
	}
	if s.Test != "" && s.Test != t.Name() {
		t.Logf("labtest: %s=%s is a schedule of test %s, not of %s, which runs without it (select the test with -run '%s')",
			EnvReplay, path, s.Test, t.Name(), runPattern(s.Test))
		return seed, nil, nil
	}
	if !fixed {
		seed = s.Seed
	}
	return seed, s, nil
}

// finish ends the test: it runs as the World's last cleanup, after the
// clusters' (which kill the servers).
func (w *World) finish(t *testing.T, before map[uint64]bool) {
	w.stopWatchdog()
	w.stopTimers()
	w.mu.Lock()
	w.virtual = w.Now()
	w.ended = true
	w.mu.Unlock()
	rpcs, bytes := w.net.GetTotalCount(), w.net.GetTotalBytes()
	w.net.Cleanup()

	var leak string
	if w.bubble {
		leak = bubbleLeaks()
	} else if before != nil {
		leak = realtimeLeaks(before)
	}
	// A leak in a bubble ends the process with a panic, which shows its
	// message but not the test's log: the report goes in the message.
	panics := leak != "" && w.bubble
	switch {
	case panics:
		t.Fail()
	case leak != "":
		t.Error(leak)
	}
	lines := w.report(t, rpcs, bytes, !panics)
	w.releaseLogs()
	w.forget()
	worlds.Delete(t)
	if panics {
		// The leaked goroutines keep the bubble, and so the test, alive.
		panic(leak + "\n" + strings.Join(lines, "\n"))
	}
}

// report writes the artefacts if the test failed, reports the test's
// attributes, and returns the summary line and, for a failed test, the
// lines that say where the artefacts are and how to replay them. It logs
// them when log is set.
func (w *World) report(t *testing.T, rpcs int, bytes int64, log bool) []string {
	var lines []string
	if mainArgs == nil || t.Failed() {
		// A command running a body through Main prints its own summary
		// of a run that passed.
		lines = append(lines, fmt.Sprintf("distlab: virtual=%v wall=%v rpcs=%d bytes=%d seed=%d", w.virtual, w.Wall(), rpcs, bytes, w.seed))
	}
	t.Attr(testattr.Virtual, w.virtual.String())
	if t.Failed() {
		dir, err := w.WriteArtifacts()
		if err != nil {
			lines = append(lines, fmt.Sprintf("distlab: could not write the failure artefacts: %v", err))
		} else {
			replay := replayCommand(dir, w.pkg, w.test)
			lines = append(lines, "distlab: artifacts="+dir, "distlab: report: "+filepath.Join(dir, ReportFile),
				"distlab: replay: "+replay)
			t.Attr(testattr.Artifacts, dir)
			t.Attr(testattr.Replay, replay)
		}
	}
	if page, err := w.writeRequestedReport(); err != nil {
		lines = append(lines, fmt.Sprintf("distlab: could not write the run report: %v", err))
	} else if page != "" && !t.Failed() {
		lines = append(lines, "distlab: report: "+page)
	}
	if log {
		for _, l := range lines {
			t.Log(l)
		}
	}
	return lines
}

// forget drops the World's entries from the package's maps.
func (w *World) forget() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.ends {
		endOwners.Delete(e.end)
	}
}

// Wall returns the real time since the test started (the test's clock is
// virtual in a bubble; this one is not). It is safe to call from inside the
// bubble: the real clock is read outside it.
func (w *World) Wall() time.Duration {
	var d time.Duration
	w.outside.do(func() { d = time.Since(w.realStart) })
	return d.Round(time.Microsecond)
}

// An outside is a goroutine outside the bubble that runs functions for code
// inside it: reading the real clock, or running a linearizability check with
// a real-time limit. While it runs one, the caller is not durably blocked, so
// the test's clock stands still. A nil *outside runs functions in place.
type outside struct {
	req  chan func()
	done chan struct{}
}

func startOutside() *outside {
	o := &outside{req: make(chan func()), done: make(chan struct{})}
	go func() {
		for f := range o.req {
			f()
			o.done <- struct{}{}
		}
	}()
	return o
}

// do runs f outside the bubble and waits for it. Calls are serialised.
func (o *outside) do(f func()) {
	if o == nil {
		f()
		return
	}
	o.req <- f
	<-o.done
}

func (o *outside) stop() { close(o.req) }

// captureLogs points lablog's clock at the test's start and, with
// DISTLAB_LOG=1, keeps its lines in memory for the failure artefacts.
func (w *World) captureLogs() {
	lablog.SetEpoch(w.start)
	if !env.LogOn() {
		return
	}
	w.logs = newRing(logRingBytes)
	if env.VerboseTopics() == "" {
		lablog.SetTopics("all")
		w.logs.prev = lablog.SetOutput(w.logs)
	} else {
		w.logs.tee = lablog.SetOutput(w.logs)
		w.logs.prev = w.logs.tee
	}
}

func (w *World) releaseLogs() {
	if w.logs == nil {
		return
	}
	lablog.SetOutput(w.logs.prev)
	lablog.SetTopics(env.VerboseTopics())
}
