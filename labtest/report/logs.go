package report

import (
	"bytes"
	"strconv"
	"strings"
)

// ParseLog reads lablog's lines ("<ms> <TOPIC> S<id> <message>") into log
// lines; lane maps a peer id to its lane (-1 for none). Lines not in that
// form (a test's own output) are kept on lane -1 at the time of the line
// before them.
func ParseLog(text []byte, lane func(id int) int) []LogLine {
	var out []LogLine
	var last int64
	for _, raw := range bytes.Split(text, []byte("\n")) {
		s := strings.TrimRight(string(raw), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		l, ok := parseLine(s, lane)
		if !ok {
			l = LogLine{At: last, Lane: -1, Text: s}
		}
		last = l.At
		out = append(out, l)
	}
	return out
}

func parseLine(s string, lane func(int) int) (LogLine, bool) {
	f := strings.SplitN(s, " ", 4)
	if len(f) < 3 || !strings.HasPrefix(f[2], "S") {
		return LogLine{}, false
	}
	ms, err1 := strconv.ParseInt(f[0], 10, 64)
	id, err2 := strconv.Atoi(f[2][1:])
	if err1 != nil || err2 != nil {
		return LogLine{}, false
	}
	l := LogLine{At: ms * 1_000_000, Lane: lane(id), Topic: f[1]}
	if len(f) == 4 {
		l.Text = f[3]
	}
	return l, true
}
