package logview

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A layout places each peer's lines in its own column:
//
//	time S0                  S1                  S2
//	 101 VOTE asks for votes
//	 103                     VOTE grants S0
//
// A message longer than its column wraps onto the following rows.
type layout struct {
	cols  int
	width int // of one column
	color bool
}

// minColumn is the narrowest column worth printing; below it the output is
// wider than asked.
const minColumn = 12

func newLayout(cols, width int, color bool) *layout {
	w := (width - timeWidth) / cols
	return &layout{cols: cols, width: max(w-1, minColumn), color: color}
}

func (l *layout) header() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%*s", timeWidth, "ms")
	for i := range l.cols {
		b.WriteByte(' ')
		b.WriteString(pad(fmt.Sprintf("S%d", i), l.width))
	}
	return strings.TrimRight(b.String(), " ") + "\n"
}

// row lays out one log line: its time, then its topic and message in its
// peer's column, wrapped.
func (l *layout) row(ln logLine) string {
	parts := wrap(ln.topic+" "+ln.msg, l.width)
	var b strings.Builder
	for i, part := range parts {
		t := ""
		if i == 0 {
			t = ln.ms
			if l.color && strings.HasPrefix(part, ln.topic) {
				part = paint(ln.topic, true) + part[len(ln.topic):]
			}
		}
		line := fmt.Sprintf("%*s", timeWidth, t) + strings.Repeat(" ", ln.peer*(l.width+1)) + " " + part
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}

// wrap cuts s into pieces of at most width characters, at spaces where it
// can and inside words where it must.
func wrap(s string, width int) []string {
	var out []string
	for utf8.RuneCountInString(s) > width {
		cut := byteIndex(s, width)
		if sp := strings.LastIndexByte(s[:cut+1], ' '); sp > 0 {
			out = append(out, strings.TrimRight(s[:sp], " "))
			s = strings.TrimLeft(s[sp+1:], " ")
			continue
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// byteIndex returns the byte offset of the n-th rune of s.
func byteIndex(s string, n int) int {
	i := 0
	for j := range s {
		if i == n {
			return j
		}
		i++
	}
	return len(s)
}

func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
