package raft_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
	"distlab/raft/rafttest"
)

// TestHandWrittenFailureSchedulesKeepSafetyAndLiveness plays the failure
// schedules of testdata/ (classic tricky cases) while clients submit
// commands; the invariants are checked all along, and the healed cluster
// must commit afterwards.
func TestHandWrittenFailureSchedulesKeepSafetyAndLiveness(t *testing.T) {
	cases := []struct {
		file      string
		snapshots bool
	}{
		// Leaders crash while shifting majorities hold entries of old terms
		// (the paper's Figure 8).
		{"figure8.json", false},
		// A leader cut off from the majority keeps an uncommitted tail that
		// it must give up when it rejoins.
		{"leader-partitioned-with-uncommitted-tail.json", false},
		// Lagging followers catch up by InstallSnapshot while requests are
		// repeated and replies reordered: stale snapshots must be ignored.
		{"stale-snapshot-install.json", true},
	}
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	require.Len(t, files, len(cases), "every schedule in testdata/ needs a case here")
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			run(t, func(t *testing.T) {
				s, err := labtest.LoadSchedule(filepath.Join("testdata", c.file))
				require.NoError(t, err)
				n := s.Servers["server"]
				require.GreaterOrEqual(t, n, 3, "schedule %s: servers.server", c.file)
				h := rafttest.New(t, n, rafttest.Config{Snapshots: c.snapshots})
				// A client submits a command every 20 ms while the schedule plays.
				stop, done := make(chan struct{}), make(chan struct{})
				submitted := 0
				go func() {
					defer close(done)
					for k := 1; ; k++ {
						select {
						case <-stop:
							return
						case <-time.After(20 * time.Millisecond):
						}
						if h.Submit(k) {
							submitted++
						}
					}
				}()
				h.Labtest().Apply(s).Wait()
				close(stop)
				<-done

				// Heal everything; the cluster must commit again.
				h.Reliable(true)
				h.LongReordering(false)
				h.Labtest().Heal()
				for i := 0; i < n; i++ {
					if !h.Labtest().Alive(i) {
						h.Restart(i)
					}
				}
				h.One(h.Rand().Int(), n, true)
				require.Positive(t, submitted, "no command was submitted")
				if c.snapshots {
					require.Positive(t, h.SnapshotsDelivered(), "no follower caught up by InstallSnapshot")
				}
				h.CheckFailures()
				t.Logf("%d commands submitted, %d applied, %d snapshots installed", submitted, h.MaxApplied(), h.SnapshotsDelivered())
			})
		})
	}
}
