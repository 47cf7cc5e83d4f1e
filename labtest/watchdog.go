package labtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A watchdog ends a test that runs longer than its virtual time limit: in
// a bubble, a test that waits for something that never happens either
// deadlocks or lets virtual time run on for ever, burning CPU until go
// test's own (real-time) timeout. The watchdog reports where every
// goroutine of the test is, writes the artefacts, and ends the test binary.
type watchdog struct {
	stop, done chan struct{}
}

// startWatchdog starts the watchdog of a test in a bubble; limit 0 means
// none.
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
	var b strings.Builder
	fmt.Fprintf(&b, "labtest: %s did not end within %v of virtual time (%s=%v): it is stuck, or waits for something that never happens.\n", w.test, limit, EnvTimeout, limit)
	b.WriteString("Where each goroutine of the test is:\n")
	me := currentGoroutine()
	for _, g := range bubbleGoroutines(me) {
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
