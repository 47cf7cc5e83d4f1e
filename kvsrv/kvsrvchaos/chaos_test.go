package kvsrvchaos

import (
	"strings"
	"testing"
	"time"

	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/porcupine"

	"github.com/stretchr/testify/require"
)

func TestChaosRunIsLinearizableAndLive(t *testing.T) {
	var s chaos.Summary
	labtest.Run(t, func(t *testing.T) {
		s = chaos.Run(t, "kvsrv", chaos.Config{Duration: 5 * time.Second, Nemesis: labtest.NemesisConfig{Interval: 100 * time.Millisecond}})
	})
	require.True(t, s.OK())
	require.True(t, s.Checked)
	require.Equal(t, porcupine.Ok, s.Verdict)
	require.Positive(t, s.Ops)
	require.Positive(t, s.FaultCount(), "the nemesis changed no network mode in 5 s")
}

func TestBadKeysFlagIsNamed(t *testing.T) {
	var out, errs strings.Builder
	require.Equal(t, 2, chaos.Command([]string{"kvsrv", "-keys", "0"}, &out, &errs))
	require.Contains(t, errs.String(), `invalid value "0" for flag -keys: need at least 1`)
}

func TestMoreThanOneServerIsRefusedByName(t *testing.T) {
	var out, errs strings.Builder
	require.NotEqual(t, 0, chaos.Command([]string{"kvsrv", "-servers", "3", "-seed", "1"}, &out, &errs))
	require.Contains(t, out.String()+errs.String(), "-servers 3: kvsrv is one server")
}
