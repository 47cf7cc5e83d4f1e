package labtest_test

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
)

func TestNemesisFlagsFillTheConfigWithTheNemesisDefaults(t *testing.T) {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	cfg := labtest.NemesisFlags(fs)
	require.NoError(t, fs.Parse([]string{"-crash", "5", "-interval", "200ms"}))
	require.Equal(t, labtest.NemesisConfig{Interval: 200 * time.Millisecond, Rates: map[string]float64{
		"partition": 3, "crash": 5, "restart": 2, "disconnect": 1, "cut": 1, "mode": 1,
		"slow": 0, "lossy": 0, "duplicate": 0, "pause": 0}}, *cfg)
	require.NoError(t, cfg.Validate())
}

func TestNemesisFlagsRefuseNegativeRatesAndNoFaultsAtAll(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-cut", "-1"}, "-cut -1: a rate cannot be negative"},
		{[]string{"-interval", "-1s"}, "-interval -1s"},
		{[]string{"-pause", "-0.5"}, "-pause -0.5: a rate cannot be negative"},
		{[]string{"-partition", "0", "-crash", "0", "-restart", "0", "-disconnect", "0", "-cut", "0", "-mode", "0"},
			"every fault rate is 0"},
	} {
		fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		cfg := labtest.NemesisFlags(fs)
		require.NoError(t, fs.Parse(tc.args))
		err := cfg.Validate()
		require.Error(t, err, "%v", tc.args)
		require.Contains(t, err.Error(), tc.want)
	}
}

func TestNemesisConfigNamesARateOfNoMove(t *testing.T) {
	err := labtest.NemesisConfig{Rates: map[string]float64{"crash": 1, "meteor": 1}}.Validate()
	require.ErrorContains(t, err, `rate "meteor": no such move`)
	require.NoError(t, labtest.NemesisConfig{}.Validate(), "the zero config is the default mix")
}
