package paxos_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/paxos/paxostest"
)

// TestSequentialInstancesCostFewMessages: with one proposer at a time and
// no contention, an instance costs one round of prepare, accept and learn:
// the classic budget is 45 RPCs for 5 instances at 3 peers.
func TestSequentialInstancesCostFewMessages(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst = 3, 5
		c := paxostest.New(t, n)
		c.Start(0, 0, "x")
		c.WaitAll(0)
		since := c.World().RPCs()
		for seq := 1; seq <= ninst; seq++ {
			c.Start(0, seq, "x")
			c.WaitAll(seq)
		}
		got := c.World().RPCs() - since
		require.LessOrEqual(t, got, ninst*9, "RPCs for 5 sequential instances at 3 peers (classic budget 45)")
		t.Logf("%d RPCs for %d instances", got, ninst)
	})
}

// TestConcurrentProposersCostBoundedMessages: every peer proposes a
// different value for each of 5 instances at once; dueling proposers back
// off, and the classic budget of 225 RPCs holds.
func TestConcurrentProposersCostBoundedMessages(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst = 3, 5
		c := paxostest.New(t, n)
		c.Start(0, 0, "x")
		c.WaitAll(0)
		since := c.World().RPCs()
		for seq := 1; seq <= ninst; seq++ {
			for i := range n {
				c.Start(i, seq, seq*10+i)
			}
		}
		for seq := 1; seq <= ninst; seq++ {
			c.WaitAll(seq)
		}
		got := c.World().RPCs() - since
		require.LessOrEqual(t, got, ninst*45, "RPCs for 5 instances proposed by 3 peers at once (classic budget 225)")
		t.Logf("%d RPCs for %d instances", got, ninst)
	})
}
