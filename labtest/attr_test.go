package labtest_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/internal/testattr"
	"distlab/labtest"
)

func TestHarnessReportsSeedVirtualTimeArtefactsAndReplayAsTestAttributes(t *testing.T) {
	// The child's raw output, before Main strips the testing package's
	// framing: go test -json turns each "=== ATTR" line into an attr event.
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), labtest.EnvMain+"=FailPlain", labtest.EnvArtifacts+"="+dir, labtest.EnvSeed+"=77")
	raw, err := cmd.CombinedOutput()
	require.Error(t, err, "the child fails")
	out := string(raw)
	attrs := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^=== ATTR  FailPlain (\S+) (.*)$`).FindAllStringSubmatch(out, -1) {
		attrs[m[1]] = m[2]
	}
	require.Equal(t, "77", attrs[testattr.Seed], out)
	require.Equal(t, summaryLine.FindStringSubmatch(out)[1], attrs[testattr.Virtual], "the summary line's virtual time:\n%s", out)
	require.Equal(t, artefactDir(t, out), attrs[testattr.Artifacts], out)
	require.True(t, strings.HasPrefix(attrs[testattr.Replay], "DISTLAB_REPLAY="+dir), out)
	require.Contains(t, out, "distlab: replay: "+attrs[testattr.Replay], "the replay line and attribute agree")
}
