package porcupine

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// fuzzRead checks the promise every reader makes: any input yields either
// a *ParseError or a history that WriteHistory can write and ReadHistory
// reads back to the same bytes.
func fuzzRead(t *testing.T, data []byte, format HistoryFormat) {
	h, err := ReadHistory(bytes.NewReader(data), "fuzz", format)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error %T %v is not a *ParseError", err, err)
		}
		return
	}
	var first bytes.Buffer
	if err := WriteHistory(&first, h); err != nil {
		t.Fatalf("WriteHistory refused a history ReadHistory accepted: %v", err)
	}
	h2, err := ReadHistory(bytes.NewReader(first.Bytes()), "rewritten", FormatJSON)
	if err != nil {
		t.Fatalf("ReadHistory refused what WriteHistory wrote: %v\n%s", err, first.String())
	}
	var second bytes.Buffer
	if err := WriteHistory(&second, h2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("write/read/write changed the file:\n%s\n----\n%s", first.String(), second.String())
	}
}

func addSeedFiles(f *testing.F, paths ...string) {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzReadJSONHistory(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteHistory(&buf, sampleHistory()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	addSeedFiles(f, "testdata/kv-illegal.json")
	for _, s := range []string{
		`{"version": 1, "operations": []}`,
		`{"version": 1, "operations": [{"client": 0, "call": 1, "return": 0, "input": {}}]}`,
		`{"version": 1, "operations": [{"input": 1, "output": null}], "annotations": [{"start": 3, "end": 1}]}`,
		`{"version": 1, "metadata": [1, {"a": "\u00e9"}], "operations": [], "extra": 1}`,
		`{"version": 1.5}`, `{`, `[]`, `null`, "{\"version\": 1, \"operations\": [\n{\"input\": \"\xff\"}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, FormatJSON) })
}

func FuzzReadJepsenLog(f *testing.F) {
	addSeedFiles(f, "testdata/register-ok.log", "testdata/register-bad.log")
	for _, s := range []string{
		"1 :invoke :cas [1 2]\n1 :ok :cas [1 2]", "1 :invoke :read nil\n1 :info :read :timed-out\n1 :invoke :write 3",
		":nemesis :info :stop \"x\"", "INFO  jepsen.util - 0\t:ok", "\t\t", "1 :invoke :write 99999999999999999999",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, FormatJepsen) })
}

func FuzzReadEDNLog(f *testing.F) {
	addSeedFiles(f, "testdata/kv-ok.edn", "testdata/kv-bad.edn")
	for _, s := range []string{
		`{:process 0, :type :invoke, :f :get, :key 5, :value [1 [2 [3]]]}`,
		`{:process :nemesis, :type :info, :f :kill, :value "n1"}`,
		`{:process 0, :type :invoke, :f :put, :key "a\"b\\", :value "\n"}`,
		`{:process 0 :type :invoke :f :append :key "k" :value 7}` + "\n" + `{:process 0 :type :info :f :append :key "k" :value 7}`,
		`{`, `{:}`, `{:a "`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, FormatEDN) })
}

func FuzzReadHistoryAuto(f *testing.F) {
	addSeedFiles(f, "testdata/register-ok.log", "testdata/kv-ok.edn", "testdata/kv-illegal.json")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, FormatAuto) })
}
