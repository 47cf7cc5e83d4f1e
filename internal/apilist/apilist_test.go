package apilist

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const src = `package p

const Exported, unexported = 1, 2

var V int

type T[P any] struct {
	Field int
	hidden int
}

func (t *T[P]) Method() {}
func (t T[P]) method()  {}

type hiddenType struct{ Field int }

func (h hiddenType) Method() {}

func F() {}
func f() {}
`

func TestNamesListsExportedDeclarationsMethodsAndFields(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\nfunc TestX() {}\n"), 0o644))
	names, err := Names(dir)
	require.NoError(t, err)
	require.Equal(t, []string{"const Exported", "field T.Field", "func F", "method T.Method", "type T", "var V"}, names)
}

func TestCheckNamesWhatWasAddedAndRemoved(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644))
	list := filepath.Join(dir, "api.txt")
	require.NoError(t, os.WriteFile(list, []byte("# reviewed\nconst Exported\nfield T.Field\nfunc F\nfunc Gone\ntype T\nvar V\n"), 0o644))
	err := Check(dir, list)
	require.ErrorContains(t, err, "  + method T.Method\n")
	require.ErrorContains(t, err, "  - func Gone\n")
	require.NoError(t, os.WriteFile(list, []byte("const Exported\nfield T.Field\nfunc F\nmethod T.Method\ntype T\nvar V\n"), 0o644))
	require.NoError(t, Check(dir, list))
}
