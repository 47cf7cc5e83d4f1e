package env

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSeedValueIsUnsetBlankOrAnIntegerAndAnErrorNamesTheVariable(t *testing.T) {
	t.Setenv(Seed, "")
	_, set, err := SeedValue()
	require.NoError(t, err)
	require.False(t, set)

	t.Setenv(Seed, " -42 ")
	s, set, err := SeedValue()
	require.NoError(t, err)
	require.True(t, set)
	require.Equal(t, int64(-42), s)

	t.Setenv(Seed, "12x")
	_, set, err = SeedValue()
	require.False(t, set)
	require.ErrorContains(t, err, `DISTLAB_SEED="12x" is not an integer seed`)
}

func TestTimeoutValueReadsDurationsAndTheWordsForNoLimit(t *testing.T) {
	for in, want := range map[string]time.Duration{"5m": 5 * time.Minute, "0": 0, "off": 0, "none": 0} {
		t.Setenv(Timeout, in)
		d, set, err := TimeoutValue()
		require.NoError(t, err, in)
		require.True(t, set, in)
		require.Equal(t, want, d, in)
	}
	t.Setenv(Timeout, "")
	_, set, err := TimeoutValue()
	require.NoError(t, err)
	require.False(t, set)
	for _, bad := range []string{"5", "-1s", "soon"} {
		t.Setenv(Timeout, bad)
		_, _, err := TimeoutValue()
		require.ErrorContains(t, err, "DISTLAB_TIMEOUT=", bad)
	}
}

func TestBooleanVariablesAreOffOnlyForTheWordsOfNo(t *testing.T) {
	for in, want := range map[string]bool{"": false, "0": false, "false": false, "OFF": false, "no": false, "1": true, "yes": true, "true": true} {
		t.Setenv(Realtime, in)
		t.Setenv(Log, in)
		require.Equal(t, want, RealtimeOn(), "%s=%q", Realtime, in)
		require.Equal(t, want, LogOn(), "%s=%q", Log, in)
	}
}

func TestTraceRingIsUnsetOffOrACountAndAnErrorNamesTheVariable(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "off": 0, " 500 ": 500} {
		t.Setenv(Trace, in)
		n, set, err := TraceRing()
		require.NoError(t, err, in)
		require.True(t, set, in)
		require.Equal(t, want, n, in)
	}
	t.Setenv(Trace, "")
	_, set, err := TraceRing()
	require.NoError(t, err)
	require.False(t, set)
	t.Setenv(Trace, "lots")
	_, _, err = TraceRing()
	require.ErrorContains(t, err, `DISTLAB_TRACE="lots": want a number of messages to keep, or 0 for none`)
}
