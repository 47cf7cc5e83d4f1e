package labtest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReplayCommandRunsTheOneTestOfItsPackage(t *testing.T) {
	require.Equal(t, "^TestX$", runPattern("TestX"))
	require.Equal(t, "^TestX$/^sub_case$", runPattern("TestX/sub_case"))
	require.Equal(t, "^Test\\.Y$", runPattern("Test.Y"))
	require.Equal(t, "./raft", relPackage("distlab/raft"))
	require.Equal(t, "./shardkv/shardctrler", relPackage("distlab/shardkv/shardctrler"))
	require.Equal(t, "example.com/other", relPackage("example.com/other"))
	require.Equal(t,
		"DISTLAB_REPLAY=/tmp/a/schedule.json go test ./raft -run '^TestFigure8$'",
		replayCommand("/tmp/a", "distlab/raft", "TestFigure8"))
	require.Equal(t, "distlab/labtest", testPackage("TestReplayCommandRunsTheOneTestOfItsPackage"))
}

func TestShellQuoteLeavesPlainWordsAlone(t *testing.T) {
	require.Equal(t, "-n=5", shellQuote("-n=5"))
	require.Equal(t, "'a b'", shellQuote("a b"))
	require.Equal(t, `'it'\''s'`, shellQuote("it's"))
}
