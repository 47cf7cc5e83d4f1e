package porcupine

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// A ParseError reports malformed input in a history file: where it is and
// what was expected there. Line and Column count from 1; Column is 0 when
// the error concerns a whole line, Line is 0 when it concerns the whole file.
type ParseError struct {
	File   string // the name given to the reader, often a path
	Line   int
	Column int
	Msg    string
	Err    error // the underlying error, if any
}

// Error returns "file:line:column: message".
func (e *ParseError) Error() string {
	pos := e.File
	if pos == "" {
		pos = "<input>"
	}
	if e.Line > 0 {
		pos += fmt.Sprintf(":%d", e.Line)
		if e.Column > 0 {
			pos += fmt.Sprintf(":%d", e.Column)
		}
	}
	return pos + ": " + e.Msg
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// position converts a byte offset into data to a 1-based line and column
// (the column counts characters, not bytes).
func position(data []byte, offset int64) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	col = utf8.RuneCount(before[lineStart:]) + 1
	return line, col
}

// errorAt builds a ParseError for a byte offset into data.
func errorAt(file string, data []byte, offset int64, err error, format string, args ...any) *ParseError {
	line, col := position(data, offset)
	return &ParseError{File: file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...), Err: err}
}
