package labtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A watchdog ends a test that runs longer than its time limit: in a
// bubble, a test that waits for something that never happens either
// deadlocks or lets virtual time run on for ever, burning CPU until go
// test's own (real-time) timeout; on the real clock it would wait until
// that timeout. The watchdog reports where every goroutine of the test is,
// writes the artefacts, and ends the test binary.
type watchdog struct {
	stop, done chan struct{}
}

// startWatchdog starts the watchdog of a test, on the test's clock (the
// virtual one in a bubble); limit 0 means none.
func (w *World) startWatchdog(t *testing.T, limit time.Duration) {
	if limit <= 0 {
		return
	}
	wd := &watchdog{stop: make(chan struct{}), done: make(chan struct{})}
	w.watch = wd
	go func() {
		defer close(wd.done)
		tm := time.NewTimer(limit)
		defer tm.Stop()
		select {
		case <-wd.stop:
			return
		case <-tm.C:
		}
		w.stuck(t, limit)
	}()
}

func (w *World) stopWatchdog() {
	if w.watch == nil {
		return
	}
	close(w.watch.stop)
	<-w.watch.done
}

// stuck reports a test that reached its time limit and ends the process.
func (w *World) stuck(t *testing.T, limit time.Duration) {
	w.mu.Lock()
	if w.ended {
		w.mu.Unlock()
		return
	}
	w.ended = true
	w.virtual = w.Now()
	w.mu.Unlock()
	clock, goroutines := "virtual time", bubbleGoroutines
	if !w.bubble {
		clock, goroutines = "real time ("+EnvRealtime+"=1)", w.newGoroutines
	}
	var b strings.Builder
	fmt.Fprintf(&b, "labtest: %s did not end within %v of %s (%s=%v): it is stuck, or waits for something that never happens.\n", w.test, limit, clock, EnvTimeout, limit)
	b.WriteString("Where each goroutine of the test is:\n")
	me := currentGoroutine()
	for _, g := range goroutines(me) {
		b.WriteString("\n")
		b.WriteString(trimStack(g.text))
		b.WriteString("\n")
	}
	msg := b.String()
	t.Fail()
	lines := w.report(t, w.net.GetTotalCount(), w.net.GetTotalBytes(), false)
	w.releaseLogs()
	// The test's goroutines cannot be stopped: end the process.
	panic(msg + "\n" + strings.Join(lines, "\n"))
}

// newGoroutines returns, in real time, the goroutine that runs the body
// and the others, but me, that were not running before the test (tests
// running in parallel with this one included).
func (w *World) newGoroutines(me goroutineStack) []goroutineStack {
	var out []goroutineStack
	for _, g := range allStacks() {
		if g.id != me.id && (g.id == w.runner || !w.before[g.id]) {
			out = append(out, g)
		}
	}
	return out
}
