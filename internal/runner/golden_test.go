package runner

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testdata is the absolute path of testdata/, since tests change folder.
var testdata, _ = filepath.Abs("testdata")

// checkGolden compares got with testdata/name, or rewrites the file under
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(testdata, name)
	if *update {
		require.NoError(t, os.MkdirAll(testdata, 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	require.Equal(t, string(want), got, "output differs from %s (go test -update rewrites it)", path)
}

var (
	durationRe  = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?(µs|ms|s|m[0-9]+s)\b`)
	parenWallRe = regexp.MustCompile(`\((` + durationRe.String() + `)\)`)
	afterRe     = regexp.MustCompile(`failed after ` + durationRe.String())
	cellSplitRe = regexp.MustCompile(`  +`)
)

// normalize makes the runner's output stable: wall times become <wall>,
// the fixture's folder becomes $DIR, and table rows become cells joined by
// " | " (so that column widths that depend on timings do not matter).
// Virtual times, which the fixture fixes, stay.
func normalize(out, dir string) string {
	if dir != "" {
		out = strings.ReplaceAll(out, dir, "$DIR")
	}
	out = parenWallRe.ReplaceAllString(out, "(<wall>)")
	out = afterRe.ReplaceAllString(out, "failed after <wall>")
	lines := strings.Split(out, "\n")
	wallCol := -1
	for i, l := range lines {
		cells := cellSplitRe.Split(strings.TrimRight(l, " "), -1)
		if len(cells) < 3 {
			wallCol = -1
			continue
		}
		for j, c := range cells {
			if strings.HasPrefix(c, "WALL") {
				wallCol = j
			}
		}
		if wallCol >= 0 && wallCol < len(cells) && !strings.HasPrefix(cells[wallCol], "WALL") && cells[wallCol] != "-" {
			cells[wallCol] = "<wall>"
		}
		lines[i] = strings.Join(cells, " | ")
	}
	return strings.Join(lines, "\n")
}
