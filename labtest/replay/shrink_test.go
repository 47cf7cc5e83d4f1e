package replay_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
	"distlab/labtest/replay"
)

// The target test fails when the nemesis crashes a server, whatever else
// it does: shrinking its recorded schedule leaves one crash, which fails
// every replay, and DISTLAB_REPLAY accepts the result as is.
func TestShrinkingASchedulesLeavesTheOneEventTheFailureNeeds(t *testing.T) {
	dir := targetModule(t)
	t.Chdir(dir)
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("DISTLAB_ARTIFACTS", t.TempDir())
	out, err := exec.Command("go", "test", "-count=1", "-run", "^TestNoServerEverCrashes$", ".").CombinedOutput()
	require.Error(t, err, "the target test fails:\n%s", out)
	m := regexp.MustCompile(`distlab: artifacts=(\S+)`).FindSubmatch(out)
	require.NotNil(t, m, "no artefacts in:\n%s", out)
	art := string(m[1])
	orig, err := labtest.LoadSchedule(filepath.Join(art, labtest.ScheduleFile))
	require.NoError(t, err)
	nemesis := 0
	for _, e := range orig.Events {
		if e.By == labtest.ByNemesis {
			nemesis++
		}
	}
	require.Greater(t, nemesis, 3, "the recorded run had several faults")

	var buf bytes.Buffer
	res, err := replay.Shrink(context.Background(), art, replay.ShrinkOptions{K: 2, Rate: 1}, &buf)
	require.NoError(t, err, buf.String())
	require.Equal(t, nemesis, res.Before.Events)
	require.Equal(t, 2, res.Before.Failed)
	require.Equal(t, 1, res.After.Events, buf.String())
	require.Equal(t, replay.Measure{Events: 1, Span: res.After.Span, RateScale: 1, Failed: 2, Ran: 2}, res.After,
		"a go test test has no -duration or -clients to shrink")
	require.Equal(t, filepath.Join(art, "minimal.json"), res.Minimal)
	require.NotEmpty(t, res.Report, "a failing run of the minimal schedule keeps its artefacts")

	min, err := labtest.LoadSchedule(res.Minimal)
	require.NoError(t, err, "the minimal schedule loads as a schedule")
	require.Len(t, min.Events, 1)
	require.Equal(t, labtest.KindCrash, min.Events[0].Kind)
	require.Equal(t, orig.Seed, min.Seed)

	replayed, err := replay.Replay(res.Minimal, replay.Options{Count: 1}, &buf)
	require.NoError(t, err)
	require.Equal(t, 1, replayed.Failed, "DISTLAB_REPLAY takes minimal.json as it is")

	var table bytes.Buffer
	replay.WriteShrinkResult(&table, res)
	require.Regexp(t, `EVENTS +DURATION +CLIENTS +RATES +REPRODUCED\nbefore +\d+ +\S+ +- +1 2/2 \(100%\)\nminimal +1 +\S+ +- +1 2/2 \(100%\)`, table.String())
}

func TestShrinkSaysWhatIsWrongWithItsArguments(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 2, replay.ShrinkCommand([]string{"-k", "0", "x"}, &out, &errb))
	require.Contains(t, errb.String(), "-k 0")
	errb.Reset()
	require.Equal(t, 2, replay.ShrinkCommand([]string{"-rate", "2", "x"}, &out, &errb))
	require.Contains(t, errb.String(), "-rate 2")
	errb.Reset()
	require.Equal(t, 2, replay.ShrinkCommand([]string{t.TempDir()}, &out, &errb))
	require.Contains(t, errb.String(), "is not a failure artefact folder")
}
