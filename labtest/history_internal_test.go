package labtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFaultsAreDrawnAsIntervalsUntilTheirRepair(t *testing.T) {
	at := func(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }
	w := &World{start: time.Now().Add(-10 * time.Second), events: []Event{
		{At: at(100), Kind: KindCrash, Cluster: "s", Server: 1, By: ByNemesis},
		{At: at(200), Kind: KindPartition, Cluster: "s", Groups: [][]int{{0}, {1, 2}}, By: ByTest},
		{At: at(300), Kind: KindRestart, Cluster: "s", Server: 1, By: ByNemesis},
		{At: at(400), Kind: KindReliable, On: false},
		{At: at(500), Kind: KindCut, Cluster: "s", From: 0, To: 2},
		{At: at(600), Kind: KindHeal, Cluster: "s"},
		{At: at(700), Kind: KindDisconnect, Cluster: "s", Server: 2},
	}}
	type span struct {
		tag, desc  string
		start, end int64
	}
	var got []span
	const open = -1 // still open at the end of the test
	for _, a := range w.annotations() {
		end := a.End / 1e6
		if end >= 10_000 {
			end = open
		}
		got = append(got, span{a.Tag, a.Description, a.Start / 1e6, end})
	}
	require.Equal(t, []span{
		{"s-1", "crashed", 100, 300},
		{"s network", "partition s [0] [1 2]", 200, 600},
		{"network", "unreliable", 400, open},
		{"s network", "cut s-0 -> s-2", 500, 600},
		{"s network", "heal s", 600, 0},
		{"s-2", "disconnected", 700, open},
	}, got)
}

func TestFaultsThatEndByThemselvesAreDrawnUntilTheirEndOrAHeal(t *testing.T) {
	at := func(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }
	w := &World{start: time.Now().Add(-10 * time.Second), events: []Event{
		{At: at(100), Kind: KindSlow, Cluster: "s", From: 0, To: 1, Mean: at(50), For: at(300)},
		{At: at(100), Kind: KindLossy, Cluster: "s", From: 1, To: 2, Rate: 0.5, For: at(1000)},
		{At: at(200), Kind: KindPause, Cluster: "s", Server: 2, For: at(500)},
		{At: at(300), Kind: KindHeal, Cluster: "s"},
	}}
	type span struct {
		tag, desc  string
		start, end int64
	}
	var got []span
	for _, a := range w.annotations() {
		got = append(got, span{a.Tag, a.Description, a.Start / 1e6, a.End / 1e6})
	}
	require.Equal(t, []span{
		{"s network", "slow s-0 -> s-1 mean 50ms for 300ms", 100, 300},
		{"s network", "lossy s-1 -> s-2 rate 0.5 for 1s", 100, 300},
		{"s-2", "paused", 200, 700},
		{"s network", "heal s", 300, 0},
	}, got)
}
