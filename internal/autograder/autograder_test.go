package autograder

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/internal/mutants"
)

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)
	return filepath.Dir(strings.TrimSpace(string(out)))
}

const rubric = `
runs = 1
[[items]]
name = "election"
test = "TestInitialElectionChoosesOneLeaderAndKeepsTermWithoutFailures"
points = 5
[[items]]
name = "votes"
test = "TestVoteDeniedToCandidateWhoseLogIsBehind"
points = 3
`

// unzip unpacks the bundle into dir, keeping the files' modes.
func unzip(t *testing.T, data []byte, dir string) map[string]bool {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
		path := filepath.Join(dir, f.Name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		r, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, b, f.Mode().Perm()))
	}
	return names
}

type results struct {
	Score  float64
	Output string
	Tests  []struct {
		Name     string
		Score    float64
		MaxScore float64 `json:"max_score"`
		Status   string
	}
}

func runAutograder(t *testing.T, root string) results {
	t.Helper()
	os.Remove(filepath.Join(root, "results", "results.json"))
	cmd := exec.Command("bash", filepath.Join(root, "source", "run_autograder"))
	cmd.Env = append(os.Environ(), "AUTOGRADER_ROOT="+root)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "run_autograder:\n%s", out)
	b, err := os.ReadFile(filepath.Join(root, "results", "results.json"))
	require.NoError(t, err, "run_autograder wrote no results.json:\n%s", out)
	var r results
	require.NoError(t, json.Unmarshal(b, &r), "%s", b)
	return r
}

// The bundle, unpacked where Gradescope would put it (under a redirected
// root), grades a submission: a Raft whose RequestVote ignores the
// up-to-date rule passes the election test and fails the voting one; a
// submission that does not compile scores nothing and says why.
func TestTheBundleGradesASubmissionAndWritesGradescopeResults(t *testing.T) {
	mod := moduleRoot(t)
	tmp := t.TempDir()
	rubricFile := filepath.Join(tmp, "rubric.toml")
	require.NoError(t, os.WriteFile(rubricFile, []byte(rubric), 0o644))
	var zipped bytes.Buffer
	require.NoError(t, Bundle{Module: mod, Lab: "raft", Rubric: rubricFile, Timeout: "2m"}.Write(&zipped))

	root := filepath.Join(tmp, "autograder")
	names := unzip(t, zipped.Bytes(), filepath.Join(root, "source"))
	for _, want := range []string{"setup.sh", "run_autograder", ConfigFile, "rubric.toml", "module/go.mod", "module/raft/raft.go",
		"module/raft/agreement_test.go", "module/labtest/run.go", "module/cmd/distlab/main.go"} {
		require.True(t, names[want], "the bundle holds %s", want)
	}
	for name := range names {
		require.False(t, strings.HasPrefix(name, "module/.git/") || strings.HasPrefix(name, "module/bench/"), "the bundle leaves out %s", name)
	}
	setup, err := os.ReadFile(filepath.Join(root, "source", "setup.sh"))
	require.NoError(t, err)
	require.Contains(t, string(setup), "apt-get install -y --no-install-recommends golang-go")
	require.Contains(t, string(setup), "go build -o \"$root/distlab\" ./cmd/distlab")

	// setup.sh would build distlab into the root; here the test does.
	build := exec.Command("go", "build", "-o", filepath.Join(root, "distlab"), "./cmd/distlab")
	build.Dir = mod
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	// The submission: raft's own files with one classic bug planted.
	cat, err := mutants.LoadCatalogue(filepath.Join(mod, "raft"))
	require.NoError(t, err)
	m, ok := cat.Find("vote-ignores-log")
	require.True(t, ok)
	mutated, err := cat.Mutate(m)
	require.NoError(t, err)
	sub := filepath.Join(root, "submission")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	srcs, err := filepath.Glob(filepath.Join(mod, "raft", "*.go"))
	require.NoError(t, err)
	for _, f := range srcs {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, ok := mutated[f]
		if !ok {
			data, err = os.ReadFile(f)
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(sub, filepath.Base(f)), data, 0o644))
	}
	// A test file in a submission is ignored: the bundle's tests grade.
	require.NoError(t, os.WriteFile(filepath.Join(sub, "cheat_test.go"), []byte("package raft\n"), 0o644))

	r := runAutograder(t, root)
	require.Equal(t, 5.0, r.Score, "%+v", r)
	require.Len(t, r.Tests, 2)
	require.Equal(t, "election", r.Tests[0].Name)
	require.Equal(t, "passed", r.Tests[0].Status)
	require.Equal(t, "votes", r.Tests[1].Name)
	require.Equal(t, "failed", r.Tests[1].Status)
	require.Equal(t, 3.0, r.Tests[1].MaxScore)

	require.NoError(t, os.WriteFile(filepath.Join(sub, "election.go"), []byte("package raft\n\nfunc broken( {\n"), 0o644))
	r = runAutograder(t, root)
	require.Equal(t, 0.0, r.Score)
	require.Contains(t, r.Output, "election.go")
	require.Len(t, r.Tests, 2)
	for _, tc := range r.Tests {
		require.Equal(t, "failed", tc.Status)
	}
}

func TestASubmissionWithGoFilesInSeveralFoldersMustNameTheLab(t *testing.T) {
	sub := t.TempDir()
	for _, f := range []string{"a/x.go", "b/y.go", "b/y_test.go"} {
		require.NoError(t, os.MkdirAll(filepath.Join(sub, filepath.Dir(f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(sub, f), []byte("package p\n"), 0o644))
	}
	_, err := submissionFiles(sub, "raft")
	require.ErrorContains(t, err, "several folders (a, b) and none is named raft")

	require.NoError(t, os.MkdirAll(filepath.Join(sub, "src", "raft"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(sub, "src", "raft", "raft.go"), []byte("package raft\n"), 0o644))
	files, err := submissionFiles(sub, "raft")
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(sub, "src", "raft", "raft.go")}, files)

	_, err = submissionFiles(t.TempDir(), "raft")
	require.ErrorContains(t, err, "holds no Go files")
}

func TestTheCommandRefusesABadRubricOrNoLab(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 2, Command([]string{"./raft"}, &out, &errb))
	require.Contains(t, errb.String(), "-rubric is required")
	bad := filepath.Join(t.TempDir(), "r.toml")
	require.NoError(t, os.WriteFile(bad, []byte("[[items]]\npoints = 1\n"), 0o644))
	errb.Reset()
	require.Equal(t, 2, Command([]string{"-rubric", bad, "-o", filepath.Join(t.TempDir(), "a.zip"), "."}, &out, &errb))
	require.Contains(t, errb.String(), "rubric")
}
