package porcupine

import (
	"errors"
	"strings"
	"testing"
)

// opsSummary prints a history compactly: client call-return input -> output.
func opsSummary(h *History) string {
	var b strings.Builder
	for _, op := range h.Operations {
		ret := "pending"
		if op.Return != nil {
			ret = itoa(*op.Return)
		}
		b.WriteString(itoa(int64(op.Client)) + " " + itoa(op.Call) + "-" + ret + " " + string(op.Input))
		if len(op.Output) > 0 {
			b.WriteString(" -> " + string(op.Output))
		}
		b.WriteString("\n")
	}
	for _, a := range h.Annotations {
		end := "point"
		if a.End != nil {
			end = itoa(*a.End)
		}
		b.WriteString("@" + a.Tag + " " + itoa(a.Start) + "-" + end + " " + a.Description + "\n")
	}
	return b.String()
}

func itoa(v int64) string {
	if v < 0 {
		return "-" + itoa(-v)
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}

func TestJepsenImportDropsFailedAndKeepsInfoPending(t *testing.T) {
	h, err := ReadHistoryFile("testdata/register-ok.log", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	want := `0 1-3 {"op":"write","value":1} -> {}
1 2-4 {"op":"read"} -> {"value":1}
2 8-pending {"op":"cas","expect":1,"value":3}
1 12-13 {"op":"read"} -> {"value":3}
2 16-17 {"op":"read"} -> {"value":3}
0 18-pending {"op":"write","value":5}
@nemesis 7-15 "Cut off {:n1 #{:n2}}"
`
	if got := opsSummary(h); got != want {
		t.Errorf("imported\n%s\nwant\n%s", got, want)
	}
	if h.Model != "etcd" || h.Version != HistoryVersion {
		t.Errorf("model %q version %d", h.Model, h.Version)
	}
}

func TestEDNImportDropsFailedAndKeepsInfoPending(t *testing.T) {
	h, err := ReadHistoryFile("testdata/kv-ok.edn", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	want := `0 1-3 {"op":"put","key":"x","value":"a"} -> {}
1 2-4 {"op":"get","key":"x"} -> {"value":"a"}
2 6-7 {"op":"append","key":"x","value":"b"} -> {}
0 10-11 {"op":"get","key":"x"} -> {"value":"ab"}
2 13-pending {"op":"put","key":"y","value":"d"}
1 15-16 {"op":"get","key":"y"} -> {"value":"d"}
@nemesis 5-12 partition [0] [1 2]
`
	if got := opsSummary(h); got != want {
		t.Errorf("imported\n%s\nwant\n%s", got, want)
	}
	if h.Model != "kv" {
		t.Errorf("model %q", h.Model)
	}
}

func TestEmptyImportedLogIsAnEmptyHistory(t *testing.T) {
	for _, f := range []HistoryFormat{FormatJepsen, FormatEDN} {
		h, err := ReadHistory(strings.NewReader("\n\n"), "empty", f)
		if err != nil || len(h.Operations) != 0 {
			t.Errorf("%s: %v, %d operations", f, err, len(h.Operations))
		}
	}
}

func TestMalformedJepsenLogReportsWhereAndWhatWasExpected(t *testing.T) {
	const hint = `; a line looks like "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]"`
	for _, tc := range []struct{ name, in, want string }{
		{"process", "INFO  jepsen.util - x\t:invoke\t:read\tnil", `e.log:1:21: expected a process number or :nemesis, found "x"` + hint},
		{"type", "INFO  jepsen.util - 1\t:invoked\t:read\tnil", `e.log:1:23: expected the event type :invoke, :ok, :fail or :info, found ":invoked"` + hint},
		{"op", "INFO  jepsen.util - 1\t:invoke\t:delete\tnil", `e.log:1:31: expected :read, :write or :cas (a register), found ":delete"` + hint},
		{"missing op", "INFO  jepsen.util - 1\t:invoke", `e.log:1:30: expected an operation keyword such as :read, found ""` + hint},
		{"write value", "1 :invoke :write nil", `e.log:1:18: expected the integer written, found "nil"` + hint},
		{"cas value", "\n1 :invoke :cas [1 x]", `e.log:2:16: expected [FROM TO], two integers in brackets, found "[1 x]"` + hint},
		{"read value", "1 :invoke :read nil\n1 :ok :read 1.5", `e.log:2:13: expected the value read (an integer or nil), found "1.5"` + hint},
		{"no invoke", "1 :ok :read 1", `e.log:1:3: process 1 completes :read with :ok but has no open :invoke; expected an :invoke by process 1 earlier`},
		{"mismatch", "1 :invoke :read nil\n1 :ok :write 1", `e.log:2:3: process 1 completes :write but invoked :read on line 1; expected the same operation`},
		{"double invoke", "1 :invoke :read nil\n1 :invoke :write 1", `e.log:2:3: process 1 invokes :write while its :read invoked on line 1 has not completed; expected :ok, :fail or :info for it first`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHistory(strings.NewReader(tc.in), "e.log", FormatJepsen)
			checkParseError(t, err, tc.want)
		})
	}
}

func TestMalformedEDNLogReportsWhereAndWhatWasExpected(t *testing.T) {
	const hint = `; a line looks like {:process 0, :type :invoke, :f :get, :key "6", :value nil}`
	for _, tc := range []struct{ name, in, want string }{
		{"not a map", `(:process 0)`, `e.edn:1:1: expected a map starting with {` + hint},
		{"unclosed map", `{:process 0, :type :invoke`, `e.edn:1:27: expected } closing the map, found the end of the line` + hint},
		{"unclosed string", `{:process 0, :key "ab}`, `e.edn:1:19: string opened here is not closed on this line` + hint},
		{"bad escape", `{:process 0, :key "a\qb"}`, `e.edn:1:21: unknown escape \q in a string; expected \n, \t, \r, \" or \\` + hint},
		{"bad value", `{:process 0.5}`, `e.edn:1:11: expected nil, true, false, an integer, a string, a keyword or a vector, found "0.5"` + hint},
		{"key not keyword", `{"process" 0}`, `e.edn:1:2: expected a keyword key such as :process` + hint},
		{"missing value", `{:process}`, `e.edn:1:10: expected a value for :process` + hint},
		{"duplicate", `{:process 0 :process 1}`, `e.edn:1:13: key :process appears twice` + hint},
		{"trailing", `{:process 0} x`, `e.edn:1:14: expected the end of the line after the map` + hint},
		{"missing type", `{:process 0, :f :get, :key "1", :value nil}`, `e.edn:1:1: missing :type` + hint},
		{"unknown key", `{:process 0, :type :invoke, :f :get, :key "1", :value nil, :colour 1}`, `e.edn:1:68: unknown key :colour; expected :process, :type, :f, :key and :value` + hint},
		{"bad type", `{:process 0, :type :done, :f :get, :key "1", :value nil}`, `e.edn:1:20: expected :type to be :invoke, :ok, :fail or :info` + hint},
		{"bad f", `{:process 0, :type :invoke, :f :cas, :key "1", :value nil}`, `e.edn:1:32: expected :f to be :get, :put or :append (a key/value store), found :cas` + hint},
		{"bad process", `{:process :client, :type :invoke, :f :get, :key "1"}`, `e.edn:1:11: expected a process number or :nemesis, found :client` + hint},
		{"bad key", `{:process 0, :type :invoke, :f :get, :key [1]}`, `e.edn:1:43: expected :key to be a string or an integer` + hint},
		{"unclosed vector", `{:process 0, :key [1 2}`, `e.edn:1:23: expected a value, found "}"` + hint},
		{"no invoke", `{:process 3, :type :ok, :f :get, :key "1", :value "a"}`, `e.edn:1:20: process 3 completes :get with :ok but has no open :invoke; expected an :invoke by process 3 earlier`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHistory(strings.NewReader(tc.in), "e.edn", FormatEDN)
			checkParseError(t, err, tc.want)
		})
	}
}

func checkParseError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", want)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("error %T is not a *ParseError", err)
	}
	if err.Error() != want {
		t.Errorf("error\n  %s\nwant\n  %s", err, want)
	}
}
