package checkcmd

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the current output")

// fakeClock advances 1.5 ms per reading, so a check always takes 1.5 ms.
func fakeClock() func() time.Time {
	t := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(1500 * time.Microsecond)
		return t
	}
}

// run runs the command and returns its output in the golden files' form.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	status := Run(args, Env{Stdout: &stdout, Stderr: &stderr, Now: fakeClock()})
	out := fmt.Sprintf("$ distlab check %s\n%s", strings.Join(args, " "), stdout.String())
	if stderr.Len() > 0 {
		out += "--- stderr\n" + stderr.String()
	}
	out += fmt.Sprintf("--- exit status %d\n", status)
	return out, status
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestCheckCommandOutput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		status int
	}{
		{"kv-illegal", []string{"testdata/kv-illegal.json"}, ExitIllegal},
		{"kv-illegal-ms", []string{"testdata/kv-illegal-ms.json"}, ExitIllegal},
		{"kv-illegal-ns", []string{"testdata/kv-illegal-ns.json"}, ExitIllegal},
		{"kv-illegal-last-2-steps", []string{"-steps", "2", "testdata/kv-illegal.json"}, ExitIllegal},
		{"kv-ok-edn", []string{"testdata/kv-ok.edn"}, ExitOK},
		{"kv-bad-edn", []string{"-format", "edn", "testdata/kv-bad.edn"}, ExitIllegal},
		{"help", []string{"-h"}, ExitOK},
		{"bad-flag", []string{"-frobnicate", "testdata/kv-ok.edn"}, ExitOther},
		{"no-file", []string{"-model", "kv"}, ExitOther},
		{"two-files", []string{"testdata/kv-ok.edn", "testdata/kv-bad.edn"}, ExitOther},
		{"missing-file", []string{"testdata/no-such-history.json"}, ExitOther},
		{"malformed", []string{"testdata/malformed.json"}, ExitOther},
		{"wrong-format", []string{"-format", "jepsen", "testdata/kv-ok.edn"}, ExitOther},
		{"bad-format-flag", []string{"-format", "xml", "testdata/kv-ok.edn"}, ExitOther},
		{"unknown-model", []string{"-model", "nope", "testdata/kv-ok.edn"}, ExitOther},
		{"no-model", []string{"testdata/no-model.json"}, ExitOther},
		{"no-model-flag", []string{"-model", "kv", "testdata/no-model.json"}, ExitOK},
		{"bad-op", []string{"testdata/bad-op.json"}, ExitOther},
		{"bad-steps", []string{"-steps", "-1", "testdata/kv-ok.edn"}, ExitOther},
		{"etcd-ok", []string{"testdata/register-ok.log"}, ExitOK},
		{"etcd-bad", []string{"testdata/register-bad.log"}, ExitIllegal},
		{"etcd-as-register", []string{"-model", "register", "testdata/register-bad.log"}, ExitIllegal},
		{"register-null", []string{"testdata/register-null.json"}, ExitOther},
		{"register-null-as-etcd", []string{"-model", "etcd", "testdata/register-null.json"}, ExitOK},
		{"queue-illegal", []string{"testdata/queue-illegal.json"}, ExitIllegal},
		{"versioned-ok", []string{"testdata/versioned-ok.json"}, ExitOK},
		{"kv-as-queue", []string{"-model", "queue", "testdata/kv-ok.edn"}, ExitOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, status := run(t, tc.args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d", status, tc.status)
			}
			golden(t, tc.name, out)
		})
	}
}

func TestCheckWritesTheVisualisation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kv.html")
	var stdout, stderr bytes.Buffer
	status := Run([]string{"-html", path, "testdata/kv-illegal.json"}, Env{Stdout: &stdout, Stderr: &stderr})
	if status != ExitIllegal {
		t.Fatalf("exit status %d; stderr %s", status, stderr.String())
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "visualisation: "+path) {
		t.Errorf("output does not name the page:\n%s", stdout.String())
	}
	// The annotations of the file reach the page.
	for _, want := range []string{"<!DOCTYPE html>", `"verdict":"illegal"`, "partition {S1 C1} | {S0 S2}", "client 2 crashed"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
	status = Run([]string{"-html", filepath.Join(t.TempDir(), "missing", "dir", "x.html"), "testdata/kv-ok.edn"}, Env{Stdout: &stdout, Stderr: &stderr})
	if status != ExitOther || !strings.Contains(stderr.String(), "writing the visualisation") {
		t.Errorf("unwritable -html: status %d, stderr %s", status, stderr.String())
	}
}

// TestCheckReadsHistoriesThatNewHistoryWrites checks the round trip the
// harness relies on: operations with the models' own types, written with
// porcupine.NewHistory, are read back and checked by the command.
func TestCheckReadsHistoriesThatNewHistoryWrites(t *testing.T) {
	ops := []porcupine.Operation{
		{ClientId: 0, Input: models.KvInput{Op: models.OpPut, Key: "k", Value: "a"}, Call: 0, Output: models.KvOutput{}, Return: 10},
		{ClientId: 1, Input: models.KvInput{Op: models.OpAppend, Key: "k", Value: "b"}, Call: 5, Return: porcupine.NoReturn},
		{ClientId: 2, Input: models.KvInput{Op: models.OpGet, Key: "k"}, Call: 20, Output: models.KvOutput{Value: "a"}, Return: 30},
		{ClientId: 2, Input: models.KvInput{Op: models.OpGet, Key: "k"}, Call: 40, Output: models.KvOutput{Value: "ab"}, Return: 50},
	}
	for _, tc := range []struct {
		name   string
		ops    []porcupine.Operation
		status int
	}{
		{"pending append takes effect late", ops, ExitOK},
		{"then a stale read", append(ops[:4:4], porcupine.Operation{ClientId: 3, Input: models.KvInput{Op: models.OpGet, Key: "k"}, Call: 60, Output: models.KvOutput{Value: "a"}, Return: 70}), ExitIllegal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := porcupine.NewHistory("kv", tc.ops, []porcupine.Annotation{{Tag: "net", Start: 3, End: 25, Description: "partition"}})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "history.json")
			if err := porcupine.WriteHistoryFile(path, h); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if status := Run([]string{path}, Env{Stdout: &stdout, Stderr: &stderr}); status != tc.status {
				t.Errorf("exit status %d, want %d\n%s%s", status, tc.status, stdout.String(), stderr.String())
			}
		})
	}
}

// TestCheckPassesTheTimeUnitToTheVisualisation checks that a history file's
// "time_unit" reaches the page, which then shows durations, and that a file
// without one gives a page with raw integers.
func TestCheckPassesTheTimeUnitToTheVisualisation(t *testing.T) {
	h, err := porcupine.ReadHistoryFile("testdata/kv-illegal.json", porcupine.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct{ unit, want string }{{"", ""}, {"ms", `"unitNs":1000000,`}, {"us", `"unitNs":1000,`}} {
		h.TimeUnit = tc.unit
		file := filepath.Join(dir, "history-"+tc.unit+".json")
		if err := porcupine.WriteHistoryFile(file, h); err != nil {
			t.Fatal(err)
		}
		page := filepath.Join(dir, "page-"+tc.unit+".html")
		var stdout, stderr bytes.Buffer
		if status := Run([]string{"-html", page, file}, Env{Stdout: &stdout, Stderr: &stderr}); status != ExitIllegal {
			t.Fatalf("time_unit %q: exit status %d; stderr %s", tc.unit, status, stderr.String())
		}
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" {
			if bytes.Contains(data, []byte(`"unitNs"`)) {
				t.Errorf("no time_unit, yet the page has a unit")
			}
		} else if !bytes.Contains(data, []byte(tc.want)) {
			t.Errorf("time_unit %q: the page lacks %s", tc.unit, tc.want)
		}
	}
}
