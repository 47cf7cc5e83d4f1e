package paxostest

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/labtest/report"
)

// TestRunReportShowsEachPeersDecidedInstances runs a short chaos run and
// checks that the run report's lane of every peer shows what it decided:
// its decided prefix as Commit and Applied, and a note counting the
// instances still pending between Min and Max (all above the prefix; none
// once the probe saw every instance decided).
func TestRunReportShowsEachPeersDecidedInstances(t *testing.T) {
	dir := t.TempDir()
	labtest.Run(t, func(t *testing.T) {
		s := chaos.Run(t, "paxos", chaos.Config{Duration: 4 * time.Second, Round: 2 * time.Second, Servers: 3})
		require.True(t, s.OK())
		time.Sleep(100 * time.Millisecond) // a look after the last probe
		_, err := labtest.WorldOf(t).WriteReport(dir)
		require.NoError(t, err)
	})
	d, err := report.Load(filepath.Join(dir, report.JSONFile))
	require.NoError(t, err)
	note := regexp.MustCompile(`^(\d+) pending, min (-?\d+), max (-?\d+)$`)
	last := map[string]report.StateAt{}
	for _, s := range d.States {
		if s.Role == report.RoleDown {
			continue
		}
		m := note.FindStringSubmatch(s.Note)
		require.NotNil(t, m, "state %+v: want the note \"N pending, min M, max X\"", s)
		pending, _ := strconv.Atoi(m[1])
		lo, _ := strconv.Atoi(m[2])
		hi, _ := strconv.Atoi(m[3])
		require.Equal(t, s.Commit, s.Applied, "%+v", s)
		require.GreaterOrEqual(t, s.Commit, lo-1, "the decided prefix starts at Min: %+v", s)
		require.LessOrEqual(t, s.Commit, hi, "nothing beyond Max is decided: %+v", s)
		require.LessOrEqual(t, pending, hi-s.Commit, "pending instances lie above the decided prefix: %+v", s)
		last[d.Lanes[s.Lane].Name] = s
	}
	require.Len(t, last, 3, "a lane with states for each peer")
	for name, s := range last {
		// The probe waited until every peer decided every instance.
		require.Positive(t, s.Commit, "%s decided instances: %+v", name, s)
		require.Contains(t, s.Note, ", max "+strconv.Itoa(s.Commit), "%s's prefix reaches Max: %+v", name, s)
		require.True(t, strings.HasPrefix(s.Note, "0 pending,"), "%s: %+v", name, s)
	}
}
