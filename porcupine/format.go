package porcupine

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// A HistoryFormat names a history file format that ReadHistory understands.
type HistoryFormat string

// The history formats. FormatAuto tells them apart by their first line.
const (
	FormatAuto   HistoryFormat = "auto"
	FormatJSON   HistoryFormat = "json"   // ours; see History
	FormatJepsen HistoryFormat = "jepsen" // Jepsen etcd logs: a register with read, write and cas (model "etcd")
	FormatEDN    HistoryFormat = "edn"    // EDN key/value logs: get, put and append (model "kv")
)

// HistoryFormats lists the formats accepted by ParseHistoryFormat.
var HistoryFormats = []HistoryFormat{FormatAuto, FormatJSON, FormatJepsen, FormatEDN}

// ParseHistoryFormat returns the format named s, or an error listing the
// formats there are.
func ParseHistoryFormat(s string) (HistoryFormat, error) {
	for _, f := range HistoryFormats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown history format %q; expected one of auto, json, jepsen, edn", s)
}

// ReadHistory reads a history in the given format from r. The name (usually
// the file's path) only labels errors, which are *ParseError values with
// the line and column of the culprit and what was expected there.
//
// The imported formats map onto the same model-neutral History as the JSON
// format. Both have no times, so an event's line number is its time. An
// operation that ends in :fail did not happen and is left out; one that ends
// in :info, or never ends, is pending (it may have taken effect at any time
// after its call, or never). Events of the :nemesis process become
// annotations on a lane tagged "nemesis".
//
// Jepsen etcd logs (lines like "INFO  jepsen.util - 3	:invoke	:cas	[1 4]")
// become operations of the "etcd" model (a register that starts absent,
// with read, write and compare-and-swap), with inputs {"op":"read"},
// {"op":"write","value":V} or {"op":"cas","expect":A,"value":B} (set B if
// the register holds A) and outputs {"value":V} for a read (null when the
// register was absent), {"ok":true} for a compare-and-swap, {} for a write.
//
// EDN key/value logs (lines like {:process 0, :type :invoke, :f :get,
// :key "6", :value nil}) become operations of the "kv" model with inputs
// {"op":"get"|"put"|"append","key":K,"value":V} and outputs {"value":V}
// for a get or {} otherwise.
func ReadHistory(r io.Reader, name string, format HistoryFormat) (*History, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if format == FormatAuto || format == "" {
		format, err = DetectHistoryFormat(data)
		if err != nil {
			return nil, &ParseError{File: name, Msg: err.Error()}
		}
	}
	switch format {
	case FormatJSON:
		return parseJSONHistory(name, data)
	case FormatJepsen:
		return parseJepsen(name, data)
	case FormatEDN:
		return parseEDN(name, data)
	}
	_, err = ParseHistoryFormat(string(format))
	return nil, err
}

// ReadHistoryFile reads the history file at path; see ReadHistory.
func ReadHistoryFile(path string, format HistoryFormat) (*History, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening history file: %w", err)
	}
	defer f.Close()
	return ReadHistory(f, path, format)
}

// WriteHistoryFile writes h to path in the JSON history format.
func WriteHistoryFile(path string, h *History) error {
	var buf bytes.Buffer
	if err := WriteHistory(&buf, h); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing history file: %w", err)
	}
	return nil
}

// DetectHistoryFormat tells the format of a history from its first
// non-blank line: a JSON object opens with {", an EDN map with {:, and a
// Jepsen log line holds "jepsen." or starts with a process number.
func DetectHistoryFormat(data []byte) (HistoryFormat, error) {
	rest := data
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		switch {
		case line[0] == '{':
			after := bytes.TrimLeft(line[1:], " \t\r,")
			if len(after) == 0 || after[0] == '"' || after[0] == '}' {
				return FormatJSON, nil
			}
			if after[0] == ':' {
				return FormatEDN, nil
			}
		case bytes.Contains(line, []byte("jepsen.")), line[0] >= '0' && line[0] <= '9':
			return FormatJepsen, nil
		}
		return "", fmt.Errorf("cannot tell the history format from the first line %q; expected a JSON object, an EDN map {:process ...} or a Jepsen log line; pass the format explicitly", abbreviate(string(line), 60))
	}
	return "", fmt.Errorf("the history is empty, so its format cannot be told; pass the format explicitly (an empty Jepsen or EDN log is an empty history)")
}

func abbreviate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
