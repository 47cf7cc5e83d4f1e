package rafttest

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
	"distlab/labtest/report"
)

// TestRunReportShowsEachPeersRoleTermAndIndices runs a cluster through an
// election, a few commands and a crash of the leader, and checks that the
// run report holds what the checker saw of each peer.
func TestRunReportShowsEachPeersRoleTermAndIndices(t *testing.T) {
	dir := t.TempDir()
	var leader int
	labtest.Run(t, func(t *testing.T) {
		h := New(t, 3, Config{})
		leader = h.CheckOneLeader()
		for i := 0; i < 3; i++ {
			h.One(100+i, 3, false)
		}
		h.Crash(leader)
		h.One(200, 2, true)
		time.Sleep(time.Second)
		_, err := labtest.WorldOf(t).WriteReport(dir)
		require.NoError(t, err)
	})
	d, err := report.Load(filepath.Join(dir, report.JSONFile))
	require.NoError(t, err)
	require.Len(t, d.Lanes, 3)
	byLane := map[string][]report.StateAt{}
	for _, s := range d.States {
		byLane[d.Lanes[s.Lane].Name] = append(byLane[d.Lanes[s.Lane].Name], s)
	}
	leaders := map[int]string{}
	for name, states := range byLane {
		last := states[len(states)-1]
		for _, s := range states {
			if s.Role == "leader" {
				require.Positive(t, s.Term)
				leaders[s.Term] = name
			}
		}
		if last.Role != report.RoleDown {
			require.GreaterOrEqual(t, last.Commit, 4, "%s commits the four commands: %+v", name, last)
			require.Equal(t, last.Commit, last.Applied, "%s applied what it committed", name)
		}
	}
	require.GreaterOrEqual(t, len(leaders), 2, "a leader before the crash and one after: %v", leaders)
	crashed := byLane[fmt.Sprintf("server-%d", leader)]
	require.Equal(t, report.RoleDown, crashed[len(crashed)-1].Role, "the crashed leader is down")
}
