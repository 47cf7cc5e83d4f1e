// Package logview is the engine of "distlab logs": it reads the per-peer
// log lines that distlab/lablog writes,
//
//	<ms> <TOPIC> S<id> <message>
//
// and prints them either one per line with the topic coloured, or laid out
// in columns, one per peer, so that what each peer did at about the same
// time reads across. Lines that are not log lines (test output, a panic's
// stack) are printed whole between the rows: nothing is ever dropped.
package logview

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Options say how to lay the log out.
type Options struct {
	// Columns is the number of peers, one column each (S0 in the first).
	// 0 prints each log line as it is, with the topic coloured.
	Columns int
	// Width is the width of the output in characters; default 160.
	Width int
	// Color marks topics with ANSI colours.
	Color bool
	// Only, if not empty, keeps just the log lines of these topics; Ignore
	// drops the log lines of these. Topics are compared without case.
	// Neither ever drops a line that is not a log line.
	Only, Ignore []string
}

// A Stats counts what Render did, for a closing remark.
type Stats struct {
	Lines    int // log lines printed
	Filtered int // log lines dropped by Only or Ignore
	Other    int // lines that are not log lines, printed whole
	Outside  int // log lines of peers beyond the columns, printed whole
}

// A logLine is one parsed line of the log.
type logLine struct {
	ms    string
	topic string
	peer  int
	msg   string
}

var lineRe = regexp.MustCompile(`^\s*([0-9]+) +(\S+) +S([0-9]+)(?: (.*))?$`)

func parse(s string) (logLine, bool) {
	m := lineRe.FindStringSubmatch(s)
	if m == nil {
		return logLine{}, false
	}
	peer, err := strconv.Atoi(m[3])
	if err != nil { // too many digits
		return logLine{}, false
	}
	return logLine{ms: m[1], topic: m[2], peer: peer, msg: m[4]}, true
}

// timeWidth is the width of the time column in the column layout.
const timeWidth = 7

// Render reads the log from r and writes it to w, laid out as o says. It
// returns when r ends (or on the first error).
func Render(r io.Reader, w io.Writer, o Options) (Stats, error) {
	var st Stats
	if o.Width <= 0 {
		o.Width = 160
	}
	if o.Columns < 0 {
		return st, fmt.Errorf("%d columns: want 0 or more", o.Columns)
	}
	only, ignore := topicSet(o.Only), topicSet(o.Ignore)
	bw := bufio.NewWriter(w)
	var lay *layout
	if o.Columns > 0 {
		lay = newLayout(o.Columns, o.Width, o.Color)
		bw.WriteString(lay.header())
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		text := strings.TrimRight(sc.Text(), "\r")
		l, ok := parse(text)
		switch {
		case !ok:
			st.Other++
			bw.WriteString(text + "\n")
		case (len(only) > 0 && !only[strings.ToUpper(l.topic)]) || ignore[strings.ToUpper(l.topic)]:
			st.Filtered++
		case lay == nil:
			st.Lines++
			fmt.Fprintf(bw, "%s %s S%d %s\n", l.ms, paint(l.topic, o.Color), l.peer, l.msg)
		case l.peer >= o.Columns:
			st.Outside++
			bw.WriteString(text + "\n")
		default:
			st.Lines++
			bw.WriteString(lay.row(l))
		}
		// Flush each line: the log may come from a test still running.
		if err := bw.Flush(); err != nil {
			return st, err
		}
	}
	if err := sc.Err(); err != nil {
		return st, fmt.Errorf("reading the log: %w", err)
	}
	return st, bw.Flush()
}

func topicSet(topics []string) map[string]bool {
	set := map[string]bool{}
	for _, t := range topics {
		for _, t := range strings.Split(t, ",") {
			if t = strings.TrimSpace(t); t != "" {
				set[strings.ToUpper(t)] = true
			}
		}
	}
	return set
}
