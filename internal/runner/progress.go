package runner

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// NewPlainProgress returns a Progress that prints plain lines to w, for
// output that is not a terminal: each failing run as it ends and each test
// when its runs are all done.
func NewPlainProgress(w io.Writer) Progress { return &plainProgress{w: w} }

type plainProgress struct{ w io.Writer }

func (p *plainProgress) Building(pkg string) { fmt.Fprintf(p.w, "building %s\n", pkg) }

func (p *plainProgress) Planned(tests []*Summary) {
	total := 0
	for _, s := range tests {
		total += s.Planned
	}
	fmt.Fprintf(p.w, "running %s, %s\n", plural(len(tests), "test"), plural(total, "run"))
}

func (p *plainProgress) Finished(r *Result, s *Summary) {
	if r.Status == Fail {
		fmt.Fprintf(p.w, "--- FAIL %s run %d (%s)%s\n", r.Test, r.Iteration, FormatDuration(r.Wall), failureDetails(r))
	}
	if s.Runs == s.Planned {
		verdict := "ok  "
		if s.Failures > 0 {
			verdict = "FAIL"
		}
		fmt.Fprintf(p.w, "%s %s: %s, %d failed\n", verdict, s.Test, plural(s.Runs, "run"), s.Failures)
	}
}

func (p *plainProgress) Done() {}

// NewTerminalProgress returns a Progress that keeps a live table at the
// bottom of a terminal of the given width: runs done, failed and running
// per test, with an estimate of the time left. Failing runs are printed
// above it as they end. It redraws at least every refresh.
func NewTerminalProgress(w io.Writer, width int, refresh time.Duration) Progress {
	if width < 20 {
		width = 80
	}
	return &ttyProgress{w: w, width: width, refresh: refresh, stop: make(chan struct{}), stopped: make(chan struct{})}
}

// maxLiveRows bounds the live table; a long list of tests shows those with
// failures first.
const maxLiveRows = 12

type ttyProgress struct {
	w       io.Writer
	width   int
	refresh time.Duration

	mu      sync.Mutex
	tests   []*Summary
	start   time.Time
	drawn   int // lines of the live table on screen
	total   int
	done    int
	failed  int
	stop    chan struct{}
	stopped chan struct{}
}

func (p *ttyProgress) Building(pkg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, "\x1b[2Kbuilding %s ...", pkg)
	p.w.Write([]byte("\r"))
}

func (p *ttyProgress) Planned(tests []*Summary) {
	p.mu.Lock()
	p.tests, p.start = tests, time.Now()
	for _, s := range tests {
		p.total += s.Planned
	}
	p.w.Write([]byte("\x1b[2K"))
	p.draw()
	p.mu.Unlock()
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(p.refresh)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				p.clear()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
}

func (p *ttyProgress) Finished(r *Result, s *Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.clear()
	if r.Status == Fail {
		p.failed++
		fmt.Fprintf(p.w, "%s\n", p.fit(fmt.Sprintf("\x1b[31m--- FAIL\x1b[0m %s run %d (%s)%s", r.Test, r.Iteration, FormatDuration(r.Wall), failureDetails(r)), 1000))
	}
	p.draw()
}

func (p *ttyProgress) Done() {
	if p.tests != nil {
		close(p.stop)
		<-p.stopped
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

// clear erases the live table; the cursor ends where it began.
func (p *ttyProgress) clear() {
	if p.drawn == 0 {
		return
	}
	fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
	p.drawn = 0
}

func (p *ttyProgress) draw() {
	lines := []string{p.header()}
	rows := p.rows()
	// A row is "  name [bar] runs/planned" (34 characters besides the name)
	// and room for " N failed".
	nw := nameWidth(rows, max(12, p.width-1-34-10))
	for _, s := range rows {
		bar := bar(s.Runs, s.Planned, 20)
		name := shorten(s.Test, nw)
		name += strings.Repeat(" ", max(0, nw-utf8.RuneCountInString(name)))
		line := fmt.Sprintf("  %s %s %4d/%-4d", name, bar, s.Runs, s.Planned)
		if s.Failures > 0 {
			line += fmt.Sprintf(" \x1b[31m%d failed\x1b[0m", s.Failures)
		}
		lines = append(lines, line)
	}
	if hidden := len(p.tests) - len(rows); hidden > 0 {
		lines = append(lines, fmt.Sprintf("  ... and %d more tests", hidden))
	}
	for _, l := range lines {
		fmt.Fprintf(p.w, "%s\x1b[K\n", p.fit(l, p.width-1))
	}
	p.drawn = len(lines)
}

func (p *ttyProgress) header() string {
	h := fmt.Sprintf("distlab test: %d/%d runs, %d failed, %v elapsed", p.done, p.total, p.failed, time.Since(p.start).Round(time.Second))
	if p.done > 0 && p.done < p.total {
		per := time.Since(p.start) / time.Duration(p.done)
		h += fmt.Sprintf(", about %v left", (per * time.Duration(p.total-p.done)).Round(time.Second))
	}
	return h
}

// rows picks the tests the live table shows: unfinished or failing ones,
// failing first, at most maxLiveRows.
func (p *ttyProgress) rows() []*Summary {
	var failing, running []*Summary
	for _, s := range p.tests {
		switch {
		case s.Failures > 0:
			failing = append(failing, s)
		case s.Runs < s.Planned:
			running = append(running, s)
		}
	}
	rows := append(failing, running...)
	if len(p.tests) <= maxLiveRows {
		rows = p.tests
	}
	return rows[:min(len(rows), maxLiveRows)]
}

// nameWidth returns the width of the name column: the longest name, at
// most limit.
func nameWidth(rows []*Summary, limit int) int {
	w := 0
	for _, s := range rows {
		w = max(w, len(s.Test))
	}
	return min(w, limit)
}

// shorten fits a test name into w characters by cutting out its middle
// ("TestLeaderCommits…OnUnreliableNetwork"): names of one package often
// differ only at the end.
func shorten(name string, w int) string {
	if len(name) <= w || w < 2 {
		return name
	}
	head := (w - 1) / 2
	tail := w - 1 - head
	return name[:head] + "…" + name[len(name)-tail:]
}

func bar(done, total, width int) string {
	n := 0
	if total > 0 {
		n = done * width / total
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

// fit cuts s to width visible characters (escape sequences take none), so
// that no line of the live table wraps.
func (p *ttyProgress) fit(s string, width int) string {
	var b strings.Builder
	visible := 0
	inEsc := false
	for _, r := range s {
		switch {
		case inEsc:
			b.WriteRune(r)
			if r >= '@' && r <= '~' && r != '[' {
				inEsc = false
			}
			continue
		case r == '\x1b':
			inEsc = true
			b.WriteRune(r)
			continue
		}
		if visible == width {
			b.WriteString("\x1b[0m")
			break
		}
		b.WriteRune(r)
		visible++
	}
	return b.String()
}
