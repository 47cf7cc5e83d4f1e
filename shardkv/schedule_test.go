package shardkv

import (
	"testing"
	"time"

	"distlab/labtest"

	"github.com/stretchr/testify/require"
)

// playSchedule plays a hand-written schedule from testdata on every
// cluster of d; the returned function waits for its last event.
func playSchedule(t *testing.T, d *world, file string) func() {
	s, err := labtest.LoadSchedule("testdata/" + file)
	require.NoError(t, err)
	nems := []*labtest.Nemesis{d.ctrl.Apply(s)}
	for _, g := range d.groups {
		nems = append(nems, g.Apply(s))
	}
	return func() {
		for _, n := range nems {
			n.Wait()
		}
	}
}

// sleepUntil sleeps until the test's clock reads at.
func sleepUntil(d *world, at time.Duration) { time.Sleep(at - d.w.Now()) }

// Group 100 hands shards to 101 at 2 s; both groups crash while the shards
// are in flight (receiver first, then the source), restart from their
// Persisters in the other order, and must finish the move.
func TestGroupThatRestartsMidMigrationFinishesIt(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 500)
		wait := playSchedule(t, d, "group-restarts-mid-migration.json")
		d.join(0)
		a := startAppenders(d, 10, true)
		sleepUntil(d, 2*time.Second)
		d.join(1)
		wait()
		a.stop(20 * time.Second)
		d.finish()
	})
}

// Group 100 must hand shards to 101 at 2 s but is split into three
// minorities at 2.1 s, so the shards stay in flight while the controller
// moves on (102 joins, 100 leaves) and 101 loses a server too; after the
// heal every group must catch up through each config in turn.
func TestConfigArrivingWhileShardInFlightWaitsForIt(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		d := newWorld(t, 3, 3, false, 500)
		wait := playSchedule(t, d, "config-arrives-while-shard-in-flight.json")
		d.join(0)
		a := startAppenders(d, 10, true)
		sleepUntil(d, 2*time.Second)
		d.join(1)
		sleepUntil(d, 2500*time.Millisecond)
		d.join(2)
		d.leave(0)
		sleepUntil(d, 3500*time.Millisecond)
		latest := d.admin.Query(-1).Num
		inFlight := false
		for i := range d.groups[1].N() {
			if kv, ok := d.groups[1].Server(i); ok {
				v := kv.m.view()
				inFlight = inFlight || !v.stable || v.cur.Num < latest
			}
		}
		require.True(t, inFlight, "the schedule must catch group 101 with a shard in flight behind config %d", latest)
		wait()
		a.stop(20 * time.Second)
		require.Equal(t, 0, countShards(d.admin.Query(-1).Shards, d.gids[0]), "group 100 left")
		d.finish()
	})
}

func countShards(shards [10]int, gid int) int {
	n := 0
	for _, g := range shards {
		if g == gid {
			n++
		}
	}
	return n
}
