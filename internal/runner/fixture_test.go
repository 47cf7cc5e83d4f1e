package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fixture is a throwaway module with a test that passes, one that
// fails, one that fails on odd runs (by DISTLAB_ITERATION, so every
// campaign fails the same runs), and, in package hang, a test that starts a
// child process and blocks until it is killed.
var fixtureFiles = map[string]string{
	"go.mod": "module fixture\n\ngo 1.26\n",
	"fixture_test.go": `package fixture

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

func iteration(t *testing.T) int {
	i, err := strconv.Atoi(os.Getenv("DISTLAB_ITERATION"))
	if err != nil {
		t.Fatalf("DISTLAB_ITERATION: %v", err)
	}
	return i
}

func TestPass(t *testing.T) {
	t.Attr("distlab.seed", strconv.Itoa(10+iteration(t)))
	t.Attr("distlab.virtual", "1.5s")
	fmt.Println("distlab: seed=99 virtual=9s (text the runner does not read)")
}

// TestFail reports what labtest reports for a failure.
func TestFail(t *testing.T) {
	t.Error("always fails")
	t.Attr("distlab.seed", strconv.Itoa(20+iteration(t)))
	t.Attr("distlab.virtual", "2m0.5s")
	t.Attr("distlab.artifacts", "/tmp/fixture-artifacts/")
	t.Attr("distlab.replay", "DISTLAB_REPLAY=/tmp/fixture-artifacts/schedule.json go test . -run '^TestFail$'")
	t.Logf("distlab: virtual=2m0.5s wall=3ms rpcs=10 bytes=100 seed=%d", 20+iteration(t))
	t.Log("distlab: artifacts=/tmp/fixture-artifacts/")
}

func TestSometimes(t *testing.T) {
	i := iteration(t)
	t.Attr("distlab.seed", strconv.Itoa(30+i))
	t.Attr("distlab.virtual", strconv.Itoa(i)+"s")
	if i%2 == 1 {
		t.Fatalf("odd iteration %d", i)
	}
}
`,
	"hang/hang_test.go": `package hang

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestHang starts a child process, writes its own pid and the child's to
// $FIXTURE_PIDS/<iteration>, then blocks forever.
func TestHang(t *testing.T) {
	child := exec.Command("sleep", "300")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(os.Getenv("FIXTURE_PIDS"), os.Getenv("DISTLAB_ITERATION"))
	pids := fmt.Sprintf("%d %d", os.Getpid(), child.Process.Pid)
	if err := os.WriteFile(f+".tmp", []byte(pids), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Rename(f+".tmp", f)
	select {}
}
`,
	"orphan/orphan_test.go": `package orphan

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestOrphan passes but leaves behind a child that holds its output open.
func TestOrphan(t *testing.T) {
	child := exec.Command("sleep", "300")
	child.Stdout = os.Stdout
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(os.Getenv("FIXTURE_PIDS"), os.Getenv("DISTLAB_ITERATION"))
	os.WriteFile(f+".tmp", []byte(fmt.Sprint(child.Process.Pid)), 0o644)
	os.Rename(f+".tmp", f)
}
`,
	"subtests/sub_test.go": `package subtests

import "testing"

func TestSubtests(t *testing.T) {
	for _, name := range []string{"Put", "PutAppend", "Get"} {
		t.Run(name, func(t *testing.T) {})
	}
}
`,
	"racy/racy_test.go": `package racy

import "testing"

func TestRacy(t *testing.T) {
	n := 0
	done := make(chan bool)
	go func() { n++; done <- true }()
	n++
	<-done
	_ = n
}
`,
}

// writeFixture writes the fixture module into a fresh folder and returns it.
func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range fixtureFiles {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	}
	return dir
}
