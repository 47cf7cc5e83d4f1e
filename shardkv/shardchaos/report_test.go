package shardchaos

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
	"distlab/shardkv/shardctrler"
)

// TestRunReportShowsEachServersConfigAndShards runs a short chaos run and
// checks that the run report's lane of every group server shows its Raft
// state and the config it applied with the shards its group owns, that
// the controller's lanes show their Raft state, and that at the end no
// shard is owned by two groups under the newest config.
func TestRunReportShowsEachServersConfigAndShards(t *testing.T) {
	dir := t.TempDir()
	labtest.Run(t, func(t *testing.T) {
		s := chaos.Run(t, "shardkv", chaos.Config{Duration: 4 * time.Second, Round: 2 * time.Second})
		require.True(t, s.OK())
		time.Sleep(2 * time.Second) // every replica applies the newest config
		_, err := labtest.WorldOf(t).WriteReport(dir)
		require.NoError(t, err)
	})
	d, err := report.Load(filepath.Join(dir, report.JSONFile))
	require.NoError(t, err)
	note := regexp.MustCompile(`^config (\d+), shards \[([\d ]*)\] owned$`)
	last := map[string]report.StateAt{}
	leaders := map[string]bool{}
	for _, s := range d.States {
		name := d.Lanes[s.Lane].Name
		if s.Role == report.RoleDown || !strings.HasPrefix(name, "g") && !strings.HasPrefix(name, "ctrl-") {
			continue
		}
		if s.Role == "leader" {
			leaders[name[:strings.IndexByte(name, '-')]] = true
		}
		require.Contains(t, []string{"leader", "follower", "candidate"}, s.Role, "%s: %+v", name, s)
		if strings.HasPrefix(name, "ctrl-") {
			require.Empty(t, s.Note, "%s: %+v", name, s)
		} else {
			require.Regexp(t, note, s.Note, "%s: %+v", name, s)
		}
		last[name] = s
	}
	require.True(t, leaders["ctrl"], "the controller's lanes show a leader")
	// The groups' servers in the newest config, by shard.
	newest, owners := 0, map[int][]string{}
	for name, s := range last {
		m := note.FindStringSubmatch(s.Note)
		if m == nil {
			continue
		}
		num, _ := strconv.Atoi(m[1])
		if num > newest {
			newest, owners = num, map[int][]string{}
		}
		if num == newest {
			for _, f := range strings.Fields(m[2]) {
				sh, _ := strconv.Atoi(f)
				owners[sh] = append(owners[sh], name[:strings.IndexByte(name, '-')])
			}
		}
	}
	require.Positive(t, newest, "the groups applied a config")
	require.NotEmpty(t, owners, "shards are owned under config %d", newest)
	for sh, gs := range owners {
		require.True(t, sh >= 0 && sh < shardctrler.NShards, "shard %d", sh)
		for _, g := range gs {
			require.Equal(t, gs[0], g, "shard %d owned by two groups under config %d: %v", sh, newest, gs)
		}
	}
}
