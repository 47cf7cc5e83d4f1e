package labtest_test

import (
	"bytes"
	"os"
	"testing"

	"distlab/labtest"
)

// children are test bodies that tests run in a child process through
// labtest.Main, to observe a failure (or a crash) from outside.
var children = map[string]func(t *testing.T){
	"Empty":        func(t *testing.T) {},
	"Pass":         passingBody,
	"Buggy":        buggyRegisterBody,
	"LeakSleeper":  leakSleeperBody,
	"LeakBlocked":  leakBlockedBody,
	"FailPlain":    func(t *testing.T) { t.Error("deliberate failure") },
	"RealtimeLeak": leakSleeperBody,
	"Logged":       loggedBody,
	"Unfinished":   unfinishedBody,
	"Stuck":        stuckBody,
	"Spinning":     spinningBody,
}

func TestMain(m *testing.M) {
	if name := os.Getenv(labtest.EnvMain); name != "" {
		labtest.Main(name, os.Stdout, os.Stderr, children[name]) // exits
	}
	os.Exit(m.Run())
}

// runChild runs the child body name in a child process with the
// environment variables given as "K=V" (set with t.Setenv, so the test
// must not be parallel) and returns its output and exit status.
func runChild(t *testing.T, name string, env ...string) (string, int) {
	t.Helper()
	for _, kv := range env {
		k, v, _ := bytes.Cut([]byte(kv), []byte("="))
		t.Setenv(string(k), string(v))
	}
	var out bytes.Buffer
	code := labtest.Main(name, &out, &out, nil)
	return out.String(), code
}
