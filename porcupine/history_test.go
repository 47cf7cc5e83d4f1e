package porcupine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func i64(v int64) *int64 { return &v }

func sampleHistory() *History {
	return &History{
		Version:  HistoryVersion,
		Model:    "kv",
		Metadata: json.RawMessage(`{"seed":42,"test":"TestBasic"}`),
		Operations: []HistoryOperation{
			{Client: 0, Call: 0, Return: i64(10), Input: json.RawMessage(`{"op":"put","key":"x","value":"<1>"}`), Output: json.RawMessage(`{}`)},
			{Client: 1, Call: 5, Input: json.RawMessage(`{"op":"append","key":"x","value":"2"}`)},
			{Client: 2, Call: 6, Return: i64(6), Input: json.RawMessage(`{"op":"get","key":"x"}`), Output: json.RawMessage(`{"value":"<1>"}`), Metadata: json.RawMessage(`"server 3"`)},
		},
		Annotations: []HistoryAnnotation{
			{Tag: "network", Start: 4, End: i64(9), Description: "partition {0} {1 2}", Details: "made by the nemesis", BackgroundColor: "#fde"},
			{Client: 1, Start: 7, Description: "client 1 crashed"},
		},
	}
}

func TestJSONHistoryRoundTripsThroughWriteAndRead(t *testing.T) {
	h := sampleHistory()
	var buf bytes.Buffer
	if err := WriteHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	got, err := ReadHistory(bytes.NewReader(buf.Bytes()), "round.json", FormatAuto)
	if err != nil {
		t.Fatalf("reading back what WriteHistory wrote:\n%s\nerror: %v", buf.String(), err)
	}
	if !reflect.DeepEqual(got, h) {
		t.Fatalf("round trip changed the history:\nwrote %+v\nread  %+v", h, got)
	}
	// One operation per line, no HTML escaping: a file that diffs well.
	if n := strings.Count(buf.String(), "\n"); n != 14 {
		t.Errorf("WriteHistory wrote %d lines, want 14 (one per operation and annotation):\n%s", n, buf.String())
	}
	if strings.Contains(buf.String(), `\u003c`) {
		t.Errorf("WriteHistory escaped < as \\u003c:\n%s", buf.String())
	}
}

func TestPendingOperationHasNoReturnAndDecodesWithNoReturn(t *testing.T) {
	h := sampleHistory()
	if !h.Operations[1].Pending() || h.Operations[0].Pending() {
		t.Fatalf("Pending() wrong: %v %v", h.Operations[0].Pending(), h.Operations[1].Pending())
	}
	type in struct{ Op, Key, Value string }
	type out struct{ Value string }
	ops, err := h.ToOperations(DecodeJSON[in, out]())
	if err != nil {
		t.Fatal(err)
	}
	if ops[1].Return != NoReturn || ops[1].Output != nil || !ops[1].Pending() {
		t.Errorf("pending operation became %+v; want Return NoReturn and a nil Output", ops[1])
	}
	if ops[0].Input != (in{"put", "x", "<1>"}) || ops[0].Output != (out{}) || ops[0].Return != 10 {
		t.Errorf("operation 0 became %+v", ops[0])
	}
	if ops[2].Metadata != `"server 3"` {
		t.Errorf("metadata became %#v", ops[2].Metadata)
	}
}

func TestDecodeJSONNamesTheOperationThatDoesNotFitTheModel(t *testing.T) {
	h := sampleHistory()
	h.Operations[2].Input = json.RawMessage(`{"op":"get","kee":"x"}`)
	type in struct{ Op, Key, Value string }
	type out struct{ Value string }
	_, err := h.ToOperations(DecodeJSON[in, out]())
	if err == nil || !strings.Contains(err.Error(), "operation 2 (client 2, call 6)") || !strings.Contains(err.Error(), `unknown field "kee"`) {
		t.Fatalf("error %v; want one naming operation 2 and the unknown field", err)
	}
}

func TestNewHistoryRecordsOperationsAndAnnotations(t *testing.T) {
	type in struct{ Op, Key string }
	ops := []Operation{
		{ClientId: 3, Input: in{"get", "k"}, Call: 1, Output: "v", Return: 4},
		{ClientId: 1, Input: in{"put", "k"}, Call: 2, Return: NoReturn},
	}
	h, err := NewHistory("kv", ops, []Annotation{{Tag: "net", Start: 2, End: 3, Description: "cut"}, {ClientId: 1, Start: 3, Description: "crash"}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "model": "kv",
  "operations": [
    {"client":3,"call":1,"return":4,"input":{"Op":"get","Key":"k"},"output":"v"},
    {"client":1,"call":2,"input":{"Op":"put","Key":"k"}}
  ],
  "annotations": [
    {"tag":"net","start":2,"end":3,"description":"cut"},
    {"client":1,"start":3,"description":"crash"}
  ]
}
`
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	anns := h.ToAnnotations()
	if anns[0].End != 3 || anns[1].End != 3 || anns[1].ClientId != 1 {
		t.Errorf("annotations came back as %+v", anns)
	}
}

func TestJSONHistoryTimeUnitRoundTripsAndNamesTheDuration(t *testing.T) {
	for _, tc := range []struct {
		unit string
		want time.Duration
	}{{"", 0}, {"ns", time.Nanosecond}, {"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}} {
		t.Run("unit "+tc.unit, func(t *testing.T) {
			h := sampleHistory()
			h.TimeUnit = tc.unit
			var buf bytes.Buffer
			if err := WriteHistory(&buf, h); err != nil {
				t.Fatal(err)
			}
			line := fmt.Sprintf("\n  \"time_unit\": %q,\n", tc.unit)
			if got := strings.Contains(buf.String(), line); got != (tc.unit != "") {
				t.Errorf("line %q written: %v, want %v:\n%s", line, got, tc.unit != "", buf.String())
			}
			got, err := ReadHistory(bytes.NewReader(buf.Bytes()), "unit.json", FormatAuto)
			if err != nil {
				t.Fatalf("reading back:\n%s\nerror: %v", buf.String(), err)
			}
			if !reflect.DeepEqual(got, h) {
				t.Fatalf("round trip changed the history:\nwrote %+v\nread  %+v", h, got)
			}
			if got.Unit() != tc.want {
				t.Errorf("Unit() = %v, want %v", got.Unit(), tc.want)
			}
		})
	}
}

func TestWriteHistoryRefusesAnUnknownTimeUnit(t *testing.T) {
	h := sampleHistory()
	h.TimeUnit = "µs"
	err := WriteHistory(&bytes.Buffer{}, h)
	if err == nil || !strings.Contains(err.Error(), `time_unit is "µs"; expected one of "ns", "us", "ms", "s"`) {
		t.Fatalf("error %v", err)
	}
	if h.Unit() != 0 {
		t.Errorf("Unit() of an unknown unit = %v, want 0", h.Unit())
	}
}

func TestWriteHistoryRefusesWhatReadHistoryWouldRefuse(t *testing.T) {
	h := sampleHistory()
	h.Operations[0].Return = i64(-1)
	err := WriteHistory(&bytes.Buffer{}, h)
	if err == nil || !strings.Contains(err.Error(), "operation 0: return time -1 is before call time 0") {
		t.Fatalf("error %v", err)
	}
}

// TestMalformedJSONHistoryReportsWhereAndWhatWasExpected checks each error
// names the file, the line and column of the culprit, and what was expected.
func TestMalformedJSONHistoryReportsWhereAndWhatWasExpected(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"syntax", "{\"version\": 1,\n \"operations\": [\n  {\"client\": 0,, }]}", `h.json:3:16: malformed JSON: invalid character ',' looking for beginning of object key string`},
		{"truncated", "{\"version\": 1, \"operations\": [", `h.json:1:31: malformed JSON: unexpected end of JSON input`},
		{"not an object", `[1, 2]`, `h.json:1:1: expected a JSON object {"version": 1, "operations": [...]}, found "["`},
		{"version", `{"version": 2, "operations": []}`, `h.json:1:13: history version is 2; this reader understands version 1`},
		{"version type", `{"version": "1", "operations": []}`, `h.json:1:13: version: "version" is a JSON string; expected an integer`},
		{"no version", `{"operations": []}`, `h.json: missing "version": expected "version": 1`},
		{"no operations", `{"version": 1}`, `h.json: missing "operations": expected "operations": [...] (an empty list is fine)`},
		{"unknown field", `{"version": 1, "opertions": []}`, `h.json:1:16: unknown field "opertions"; expected version, model, time_unit, metadata, operations or annotations`},
		{"time unit", `{"version": 1, "time_unit": "min", "operations": []}`, `h.json:1:29: time_unit is "min"; expected one of "ns", "us", "ms", "s" (or no "time_unit" for integers of unknown unit)`},
		{"time unit type", `{"version": 1, "time_unit": 1000, "operations": []}`, `h.json:1:29: time_unit: "time_unit" is a JSON number; expected a string`},
		{"duplicate", `{"version": 1, "version": 1}`, `h.json:1:16: field "version" appears twice`},
		{"operations not a list", `{"version": 1, "operations": {}}`, `h.json:1:30: expected "operations" to be a list [...], found "{"`},
		{"unknown op field", "{\"version\": 1, \"operations\": [\n {\"client\": 0, \"call\": 1, \"retrun\": 2, \"input\": {}}]}", `h.json:2:2: operation 0: json: unknown field "retrun"`},
		{"return before call", "{\"version\": 1, \"operations\": [\n {\"client\": 0, \"input\": 1},\n {\"client\": 0, \"call\": 5, \"return\": 2, \"input\": {}}]}", `h.json:3:2: operation 1: return time 2 is before call time 5`},
		{"no input", "{\"version\": 1, \"operations\": [{\"client\": 0}]}", `h.json:1:31: operation 0: missing "input"; every operation needs one (use {} when there is nothing to say)`},
		{"pending with output", `{"version": 1, "operations": [{"input": 1, "output": 2}]}`, `h.json:1:31: operation 0: a pending operation (no "return") cannot have an "output"`},
		{"negative client", `{"version": 1, "operations": [{"client": -1, "input": 1}]}`, `h.json:1:31: operation 0: client is -1; expected a non-negative integer`},
		{"call type", `{"version": 1, "operations": [{"call": "soon", "input": 1}]}`, `h.json:1:31: operation 0: "call" is a JSON string; expected an integer`},
		{"annotation field", `{"version": 1, "operations": [], "annotations": [{"start": 1, "colour": "red"}]}`, `h.json:1:50: annotation 0: json: unknown field "colour"`},
		{"trailing data", `{"version": 1, "operations": []} {}`, `h.json:1:34: malformed JSON: invalid character '{' after top-level value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHistory(strings.NewReader(tc.in), "h.json", FormatJSON)
			if err == nil {
				t.Fatalf("no error for %q; want %s", tc.in, tc.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *ParseError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n  %s\nwant\n  %s", err, tc.want)
			}
		})
	}
}

func TestDetectHistoryFormatTellsTheFormatsApart(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want HistoryFormat
	}{
		{"\n  {\"version\": 1}", FormatJSON},
		{"{\n \"version\": 1}", FormatJSON},
		{`{:process 0, :type :invoke}`, FormatEDN},
		{"INFO  jepsen.util - 3\t:invoke\t:read\tnil", FormatJepsen},
		{"3 :invoke :read nil", FormatJepsen},
	} {
		got, err := DetectHistoryFormat([]byte(tc.in))
		if err != nil || got != tc.want {
			t.Errorf("DetectHistoryFormat(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", " \n\n", "hello"} {
		if _, err := DetectHistoryFormat([]byte(in)); err == nil {
			t.Errorf("DetectHistoryFormat(%q) succeeded; want an error asking for the format", in)
		}
	}
	if _, err := ParseHistoryFormat("xml"); err == nil || !strings.Contains(err.Error(), "auto, json, jepsen, edn") {
		t.Errorf("ParseHistoryFormat(xml) error %v", err)
	}
}

func TestReadHistoryFileNamesAMissingFile(t *testing.T) {
	_, err := ReadHistoryFile("testdata/no-such-file.json", FormatAuto)
	if err == nil || !strings.Contains(err.Error(), "no-such-file.json") {
		t.Fatalf("error %v", err)
	}
}
