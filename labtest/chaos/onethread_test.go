package chaos

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestChaosChildrenRunOnOneThreadUnlessTheUserChoseGOMAXPROCS(t *testing.T) {
	t.Setenv("GOMAXPROCS", "3") // restored after the test
	oneThread()
	require.Equal(t, "3", os.Getenv("GOMAXPROCS"), "the user's choice stands")

	os.Unsetenv("GOMAXPROCS")
	oneThread()
	require.Equal(t, "1", os.Getenv("GOMAXPROCS"), "children inherit one thread")
}
