package replay_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest/replay"
)

// A module outside distlab with one test that fails whenever the nemesis
// crashes a server: under its schedule, it fails every time.
const targetTest = `package target

import (
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
)

type quiet struct{}

func (quiet) Kill() {}

func TestNoServerEverCrashes(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 3, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (quiet, []any) {
			return quiet{}, nil
		})
		n := c.StartNemesis(labtest.NemesisConfig{Interval: 100 * time.Millisecond, Rates: map[string]float64{"crash": 1, "partition": 1}})
		time.Sleep(2 * time.Second)
		n.Stop()
		for _, e := range labtest.WorldOf(t).Schedule().Events {
			if e.Kind == labtest.KindCrash {
				t.Fatalf("server %d crashed at %v", e.Server, e.At)
			}
		}
	})
}
`

// targetModule writes the module and returns its folder.
func targetModule(t *testing.T) string {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	dir := t.TempDir()
	mod := "module target\n\ngo 1.26\n\nrequire distlab v0.0.0\n\nreplace distlab => " + root + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "target_test.go"), []byte(targetTest), 0o644))
	return dir
}

func TestReplayOfARecordedFailureReproducesIt(t *testing.T) {
	dir := targetModule(t)
	t.Chdir(dir)
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	artefacts := t.TempDir()
	t.Setenv("DISTLAB_ARTIFACTS", artefacts)
	out, err := exec.Command("go", "test", "-count=1", "-run", "^TestNoServerEverCrashes$", ".").CombinedOutput()
	require.Error(t, err, "the target test fails:\n%s", out)
	m := regexp.MustCompile(`distlab: artifacts=(\S+)`).FindSubmatch(out)
	require.NotNil(t, m, "no artefacts in:\n%s", out)
	require.Contains(t, string(out), "distlab: replay: DISTLAB_REPLAY="+string(m[1])+"/schedule.json go test . -run '^TestNoServerEverCrashes$'")

	var buf bytes.Buffer
	res, err := replay.Replay(string(m[1]), replay.Options{Count: 2}, &buf)
	require.NoError(t, err, buf.String())
	require.Equal(t, 2, res.Runs)
	require.Equal(t, 2, res.Failed, buf.String())
	require.Contains(t, buf.String(), "reproduced 2/2 (100%)")
	require.Contains(t, buf.String(), "server ", "the first failing run's output is shown")
}

func TestReplayExplainsAPathThatIsNoArtefact(t *testing.T) {
	var out, errb bytes.Buffer
	code := replay.Command([]string{t.TempDir()}, &out, &errb)
	require.Equal(t, 2, code)
	require.Contains(t, errb.String(), "is not a failure artefact folder")

	errb.Reset()
	require.Equal(t, 2, replay.Command([]string{"-count", "0", "x"}, &out, &errb))
	require.Contains(t, errb.String(), "-count must be at least 1")

	errb.Reset()
	require.Equal(t, 2, replay.Command(nil, &out, &errb))
	require.Contains(t, errb.String(), "usage: distlab replay")
}

func TestReplayOfACommandRunsItWithTheScheduleAndSeed(t *testing.T) {
	dir := t.TempDir()
	// A "command" that fails when run under the schedule and its seed.
	script := `test "$DISTLAB_SEED" = 31 && test -f "$DISTLAB_REPLAY" && echo replayed && exit 1`
	s := `{"version":1,"seed":31,"test":"Chaos","command":["sh","-c",` + strconvQuote(script) + `],"events":[]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "schedule.json"), []byte(s), 0o644))
	var out, errb bytes.Buffer
	code := replay.Command([]string{"-count", "3", dir}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	require.Contains(t, out.String(), "reproduced 3/3 (100%)")
	require.Contains(t, out.String(), "    replayed\n", "the failing run's output, indented")
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
