package mutants

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// moduleRoot is the folder of distlab's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// labCatalogues returns the folders of the module that hold a mutants.toml.
func labCatalogues(t *testing.T) []string {
	t.Helper()
	root := moduleRoot(t)
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.Name() == CatalogueFile {
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	require.NoError(t, err)
	return dirs
}

func TestTheRaftAndKvraftCataloguesHoldTheRequiredNumberOfMutants(t *testing.T) {
	root := moduleRoot(t)
	for lab, least := range map[string]int{"raft": 10, "kvraft": 5} {
		c, err := LoadCatalogue(filepath.Join(root, lab))
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(c.Mutants), least, "%s's catalogue", lab)
	}
}

// A refactor that moves or changes the code a mutant edits must fail here,
// not leave the mutant planting nothing (or something else).
func TestEveryCatalogueEntryAppliesToTheCurrentSourceAndCompiles(t *testing.T) {
	dirs := labCatalogues(t)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		c, err := LoadCatalogue(dir)
		require.NoError(t, err)
		for _, m := range c.Mutants {
			t.Run(filepath.Base(dir)+"/"+m.Name, func(t *testing.T) {
				overlay, err := c.WriteOverlay(m, t.TempDir())
				require.NoError(t, err)
				files, err := c.Mutate(m)
				require.NoError(t, err)
				for path, src := range files {
					orig, err := os.ReadFile(path)
					require.NoError(t, err)
					require.NotEqual(t, string(orig), string(src), "the mutant changes %s", path)
				}
				// go vet type-checks the package and its tests with the
				// mutated file in place of the original.
				cmd := exec.Command("go", "vet", "-overlay", overlay, ".")
				cmd.Dir = dir
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "the mutant %s does not compile:\n%s", m.Name, out)
			})
		}
	}
}
