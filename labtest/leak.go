package labtest

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing/synctest"
	"time"
)

// How long goroutines get to end after the test before they count as
// leaked: on the test's clock in a bubble, on the real clock otherwise.
const (
	leakGraceVirtual  = 10 * time.Second
	leakGraceRealtime = 2 * time.Second
	leakPoll          = 50 * time.Millisecond // virtual: free
	leakPollRealtime  = 2 * time.Millisecond
)

// A goroutineStack is one goroutine of a runtime.Stack dump.
type goroutineStack struct {
	id     uint64
	header string // "goroutine 7 [chan receive, synctest bubble 1]:"
	text   string
}

func allStacks() []goroutineStack {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []goroutineStack
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		text := strings.TrimSpace(string(g))
		header, _, _ := strings.Cut(text, "\n")
		f := strings.Fields(header)
		if len(f) < 2 || f[0] != "goroutine" {
			continue
		}
		id, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, goroutineStack{id: id, header: header, text: text})
	}
	return out
}

// currentGoroutine returns the stack of the calling goroutine.
func currentGoroutine() goroutineStack {
	buf := make([]byte, 4096)
	buf = buf[:runtime.Stack(buf, false)]
	text := string(buf)
	header, _, _ := strings.Cut(text, "\n")
	f := strings.Fields(header)
	id, _ := strconv.ParseUint(f[1], 10, 64)
	return goroutineStack{id: id, header: header, text: text}
}

// bubbleOf returns the synctest bubble a stack header names, or "".
func bubbleOf(header string) string {
	_, after, ok := strings.Cut(header, "synctest bubble ")
	if !ok {
		return ""
	}
	return strings.TrimRight(after, "]:")
}

// bubbleGoroutines returns the goroutines of me's bubble other than me and
// the bubble's own (synctest's root and the test runner's).
func bubbleGoroutines(me goroutineStack) []goroutineStack {
	bubble := bubbleOf(me.header)
	if bubble == "" {
		return nil
	}
	var out []goroutineStack
	for _, g := range allStacks() {
		if g.id == me.id || bubbleOf(g.header) != bubble ||
			strings.Contains(g.text, ".testingSynctestTest(") || strings.Contains(g.text, "internal/synctest.Run(") {
			continue
		}
		out = append(out, g)
	}
	return out
}

// bubbleLeaks waits (on the virtual clock) for the goroutines of the
// caller's bubble to end and describes those that do not. It must run in
// the bubble, on the test's goroutine, after everything was shut down.
func bubbleLeaks() string {
	me := currentGoroutine()
	var left []goroutineStack
	for waited := time.Duration(0); ; waited += leakPoll {
		synctest.Wait()
		left = bubbleGoroutines(me)
		if len(left) == 0 {
			return ""
		}
		if waited >= leakGraceVirtual {
			break
		}
		time.Sleep(leakPoll)
	}
	return leakReport(left, fmt.Sprintf("%v (virtual)", leakGraceVirtual))
}

// goroutineIDs returns the ids of the goroutines running now.
func goroutineIDs() map[uint64]bool {
	ids := map[uint64]bool{}
	for _, g := range allStacks() {
		ids[g.id] = true
	}
	return ids
}

// realtimeLeaks waits (on the real clock) for the goroutines that were not
// running before the test to end, and describes those that do not. Tests
// running in parallel with this one would be counted too.
func realtimeLeaks(before map[uint64]bool) string {
	me := currentGoroutine()
	var left []goroutineStack
	deadline := time.Now().Add(leakGraceRealtime)
	for {
		left = left[:0]
		for _, g := range allStacks() {
			if g.id == me.id || before[g.id] {
				continue
			}
			left = append(left, g)
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(leakPollRealtime)
	}
	if len(left) == 0 {
		return ""
	}
	return leakReport(left, fmt.Sprintf("%v", leakGraceRealtime))
}

// leakReport explains a leak and shows where each leaked goroutine is.
func leakReport(left []goroutineStack, grace string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "labtest: %d goroutine(s) still running %s after the test ended.\n", len(left), grace)
	b.WriteString("Every goroutine must end after Kill() (a loop should check a killed flag; a blocked\n")
	b.WriteString("goroutine needs a channel closed or a Cond broadcast). The leaked goroutines:\n")
	for _, g := range left {
		b.WriteString("\n")
		b.WriteString(trimStack(g.text))
		b.WriteString("\n")
	}
	return b.String()
}

// trimStack keeps the first lines of a goroutine's stack.
func trimStack(text string) string {
	lines := strings.Split(text, "\n")
	if len(lines) > 16 {
		lines = append(lines[:15], "\t...")
	}
	return strings.Join(lines, "\n")
}
