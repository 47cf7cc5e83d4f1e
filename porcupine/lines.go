package porcupine

import (
	"bytes"
	"strings"
)

// parseLines builds a history of the model from a line-oriented log, the
// shape of both imported formats: it splits data into lines (numbered from
// 1, "\r\n" accepted, invalid UTF-8 replaced), skips blank ones, and hands
// each other line to event, which returns the event the line records and
// whether it records one (false for a line to ignore), or an error that
// ends the parse.
func parseLines(file, model string, data []byte, event func(lineNo int, line string) (importedEvent, bool, error)) (*History, error) {
	b := newHistoryBuilder(file, model)
	lineNo := 0
	for rest := data; len(rest) > 0; {
		var raw []byte
		raw, rest, _ = bytes.Cut(rest, []byte{'\n'})
		lineNo++
		line := strings.ToValidUTF8(strings.TrimRight(string(raw), "\r"), "\uFFFD")
		if strings.TrimSpace(line) == "" {
			continue
		}
		e, ok, err := event(lineNo, line)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if err := b.add(e); err != nil {
			return nil, err
		}
	}
	return b.finish(lineNo), nil
}
