package paxos_test

import (
	"distlab/paxos"
	"distlab/paxos/paxostest"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRestartedAcceptorKeepsItsPromisesAndAcceptedProposal talks to one
// acceptor directly: what it promised and accepted before a crash binds its
// successor.
func TestRestartedAcceptorKeepsItsPromisesAndAcceptedProposal(t *testing.T) {
	run(t, func(t *testing.T) {
		c := paxostest.New(t, 3)
		c.Disconnect(0) // no proposer of another peer interferes

		var pr paxos.PrepareReply
		c.Peer(0).Prepare(&paxos.PrepareArgs{Seq: 3, N: 100, From: 1, Done: -1}, &pr)
		require.True(t, pr.OK)
		var ar paxos.AcceptReply
		c.Peer(0).Accept(&paxos.AcceptArgs{Seq: 4, N: 50, V: "four", From: 1, Done: -1}, &ar)
		require.True(t, ar.OK)

		c.Crash(0)
		c.Restart(0)
		px := c.Peer(0)

		ar = paxos.AcceptReply{}
		px.Accept(&paxos.AcceptArgs{Seq: 3, N: 99, V: "late", From: 2, Done: -1}, &ar)
		require.False(t, ar.OK, "a restarted acceptor accepted a proposal below its promise")
		require.Equal(t, 100, ar.Np)
		pr = paxos.PrepareReply{}
		px.Prepare(&paxos.PrepareArgs{Seq: 3, N: 100, From: 2, Done: -1}, &pr)
		require.False(t, pr.OK, "a restarted acceptor promised a number it had promised already")

		pr = paxos.PrepareReply{}
		px.Prepare(&paxos.PrepareArgs{Seq: 4, N: 80, From: 2, Done: -1}, &pr)
		require.True(t, pr.OK)
		require.Equal(t, 50, pr.Na, "a restarted acceptor forgot the proposal it accepted")
		require.Equal(t, "four", pr.Va)
		require.Equal(t, 4, px.Max())
	})
}

func TestDecisionsAndMinSurviveACrashOfEveryPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst = 3, 10
		c := paxostest.New(t, n)
		for seq := range ninst {
			c.Start(seq%n, seq, fmt.Sprint("v", seq))
		}
		for seq := range ninst {
			c.WaitAll(seq)
		}
		c.DoneAll(2)
		for i := range n { // Done values travel on each peer's messages
			c.Start(i, ninst+i, "last")
			c.WaitAll(ninst + i)
		}
		for i := range n {
			require.Equal(t, 3, c.Peer(i).Min(), "peer %d", i)
		}
		for i := range n {
			c.Crash(i)
		}
		for i := range n {
			c.Restart(i)
		}
		for i := range n {
			px := c.Peer(i)
			require.Equal(t, 3, px.Min(), "peer %d: Min went back after a restart", i)
			require.Equal(t, ninst+n-1, px.Max(), "peer %d", i)
			for seq := 3; seq < ninst+n; seq++ {
				f, _ := px.Status(seq)
				require.Equal(t, paxos.Decided, f, "peer %d instance %d after restart", i, seq)
			}
		}
		// The checker saw every incarnation: no decision changed.
	})
}

// TestCrashesAndRestartsNeverChangeADecision proposes at every peer while a
// minority of peers crashes and restarts at random moments (between an
// acceptor's accept and the decision, among others); the checker compares
// every incarnation's decisions. Once all run again, every instance is
// decided everywhere.
func TestCrashesAndRestartsNeverChangeADecision(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst = 5, 60
		c := paxostest.New(t, n)
		c.World().Reliable(false)
		rng := c.World().Rand()
		vals := map[int][]any{}
		for seq := range ninst {
			for range 2 {
				i, v := rng.IntN(n), fmt.Sprintf("%d.%d", seq, rng.IntN(1000))
				vals[seq] = append(vals[seq], v)
				c.Start(i, seq, v)
			}
			if seq%3 == 0 {
				a, b := rng.IntN(n), rng.IntN(n)
				c.Crash(a)
				c.Crash(b)
				time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
				c.Restart(a)
				if b != a {
					c.Restart(b)
				}
			}
			time.Sleep(time.Duration(rng.IntN(30)) * time.Millisecond)
		}
		// A restarted peer lost its proposers: propose again everywhere,
		// with values proposed before.
		for seq := range ninst {
			for i := range n {
				c.Start(i, seq, vals[seq][i%len(vals[seq])])
			}
		}
		for seq := range ninst {
			c.WaitAll(seq)
		}
	})
}
