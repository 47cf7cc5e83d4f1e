package paxos_test

import (
	"distlab/paxos/paxostest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOneProposerDecidesAtEveryPeer(t *testing.T) {
	run(t, func(t *testing.T) {
		c := paxostest.New(t, 3)
		require.Zero(t, c.NDecided(0), "decided before Start")
		c.Start(0, 0, "hello")
		c.WaitAll(0)
	})
}

func TestManyProposersWithOneValueDecideIt(t *testing.T) {
	run(t, func(t *testing.T) {
		c := paxostest.New(t, 3)
		for i := range 3 {
			c.Start(i, 1, 77)
		}
		c.WaitAll(1)
		_, v := c.Peer(0).Status(1)
		require.Equal(t, 77, v)
	})
}

func TestManyProposersWithDifferentValuesDecideOne(t *testing.T) {
	run(t, func(t *testing.T) {
		c := paxostest.New(t, 3)
		c.Start(0, 2, 100)
		c.Start(1, 2, 101)
		c.Start(2, 2, 102)
		c.WaitAll(2)
	})
}

func TestOutOfOrderInstancesAreDecided(t *testing.T) {
	run(t, func(t *testing.T) {
		c := paxostest.New(t, 3)
		c.Start(0, 7, 700)
		c.Start(0, 6, 600)
		c.Start(1, 5, 500)
		c.WaitAll(7)
		c.Start(0, 4, 400)
		c.Start(1, 3, 300)
		for seq := 3; seq <= 7; seq++ {
			c.WaitAll(seq)
			_, v := c.Peer(0).Status(seq)
			require.Equal(t, seq*100, v, "instance %d had one proposer", seq)
		}
		require.Equal(t, 7, c.Peer(0).Max())
	})
}

func TestDeafPeerLearnsOnceItHearsAgainWithoutStartingAnything(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		c := paxostest.New(t, n)
		c.Start(0, 0, "hello")
		c.WaitAll(0)

		// Peers 0 and 4 receive nothing, but can still send.
		for from := range n {
			for _, deaf := range []int{0, 4} {
				if from != deaf {
					c.Cut(from, deaf)
				}
			}
		}
		c.Start(1, 1, "goodbye")
		c.WaitMajority(1)
		time.Sleep(time.Second)
		require.Equal(t, n-2, c.NDecided(1), "a deaf peer learned a decision")

		// A deaf peer's own proposal still reaches the others and is
		// settled by what they accepted.
		c.Start(0, 1, "xxx")
		c.WaitN(1, n-1, 10*time.Second)
		time.Sleep(time.Second)
		require.Equal(t, n-1, c.NDecided(1), "peer 4 learned while deaf")

		c.Start(4, 1, "yyy")
		c.WaitAll(1)

		// A deaf peer that Started nothing learns once it hears again.
		c.Heal()
		for from := range n {
			c.Cut(from, 2)
		}
		c.Start(0, 2, "zzz")
		c.WaitN(2, n-1, 10*time.Second)
		c.Heal()
		c.WaitAll(2)
	})
}

func TestManyInstancesAreDecided(t *testing.T) {
	run(t, func(t *testing.T) {
		c := paxostest.New(t, 3)
		const ninst = 50
		for seq := range ninst {
			if seq >= 5 {
				c.WaitAll(seq - 5) // at most five in flight
			}
			for i := range 3 {
				c.Start(i, seq, seq*10+i)
			}
		}
		for seq := range ninst {
			c.WaitAll(seq)
		}
	})
}

func TestUnreliableNetworkStillAgrees(t *testing.T) {
	run(t, func(t *testing.T) {
		c := paxostest.New(t, 3)
		c.World().Reliable(false)
		const ninst = 50
		for seq := range ninst {
			if seq >= 5 {
				c.WaitAll(seq - 5)
			}
			for i := range 3 {
				c.Start(i, seq, (seq*10)+i)
			}
		}
		for seq := range ninst {
			c.WaitAll(seq)
		}
	})
}

func TestMinorityPartitionDecidesNothingAndAgreesAfterHealing(t *testing.T) {
	run(t, func(t *testing.T) {
		const n = 5
		c := paxostest.New(t, n)
		seq := 0

		// No decision in a minority.
		c.Partition([]int{0, 2}, []int{1, 3}, []int{4})
		c.Start(1, seq, 111)
		c.CheckMax(seq, 0)

		// Decision in a majority; the minority does not learn it.
		c.Partition([]int{0}, []int{1, 2, 3}, []int{4})
		c.WaitMajority(seq)
		require.Equal(t, 3, c.NDecided(seq))
		c.CheckMax(seq, 3)

		// The minority learns it when it joins a majority.
		c.Partition([]int{0, 1, 2}, []int{3, 4})
		c.Start(0, seq, 1000)
		c.WaitN(seq, 4, 10*time.Second)

		// Decisions in changing majorities, one after another.
		seq++
		for round := range 20 {
			c.Partition([]int{0, 1, 2}, []int{3, 4})
			for i := range n {
				c.Start(i, seq, seq*10+i)
			}
			c.WaitMajority(seq)
			c.Partition([]int{0, 1}, []int{2, 3, 4})
			c.WaitN(seq, 3, 10*time.Second)
			c.Heal()
			c.WaitAll(seq)
			if round%5 == 4 {
				c.DoneAll(seq)
			}
			seq++
		}
	})
}

// TestLotsOfProposalsUnderUnreliablePartitionsAgree runs proposers at every
// peer against a random partition of an unreliable network for a while;
// once healed, every instance is decided everywhere.
func TestLotsOfProposalsUnderUnreliablePartitionsAgree(t *testing.T) {
	run(t, func(t *testing.T) {
		const n, ninst = 5, 40
		c := paxostest.New(t, n)
		c.World().Reliable(false)
		rng := c.World().Rand()
		stop := time.Now().Add(15 * time.Second)
		seq := 0
		for time.Now().Before(stop) {
			perm := rng.Perm(n)
			k := rng.IntN(n) + 1
			c.Partition(perm[:k], perm[k:])
			for range 2 {
				if seq < ninst {
					c.Start(rng.IntN(n), seq, seq*100+rng.IntN(100))
					c.Start(rng.IntN(n), seq, seq*100+rng.IntN(100))
					seq++
				}
			}
			time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
		}
		c.Heal()
		c.World().Reliable(true)
		for s := range seq {
			c.WaitAll(s) // the proposers kept trying
		}
	})
}
