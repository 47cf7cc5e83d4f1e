package kvraft

import (
	"distlab/labrpc"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOneClientReadsItsOwnWrites(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 1}.run(t, be) })
}

func TestConcurrentClientsAreLinearizable(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 5}.run(t, be) })
}

func TestUnreliableNetworkIsLinearizable(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 5, unreliable: true}.run(t, be) })
}

func TestConcurrentAppendsToOneKeyAllLandOnce(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		const clients, appends = 5, 10
		c := newCluster(t, be, 3, true, -1)
		var wg sync.WaitGroup
		for i := range clients {
			ck := c.clerk(all(3)...)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range appends {
					ck.Append("k", fmt.Sprintf("[%d %d]", i, j))
					// Reads pin the value down, which keeps the
					// linearizability check from exploring every
					// order of the concurrent appends.
					ck.Get("k")
				}
			}()
		}
		wg.Wait()
		got := c.clerk(all(3)...).Get("k")
		for i := range clients {
			last := -1
			for j := range appends {
				v := fmt.Sprintf("[%d %d]", i, j)
				require.Equal(t, 1, strings.Count(got, v), "value %s must appear exactly once in %q", v, got)
				at := strings.Index(got, v)
				require.Greater(t, at, last, "client %d's appends are out of order in %q", i, got)
				last = at
			}
		}
		require.Len(t, got, clients*appends*len("[0 0]"))
		c.checkLinearizable()
	})
}

func TestSequentialAppendsDoNotWaitForHeartbeats(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		const n = 1000
		c := newCluster(t, be, 3, false, -1)
		// A millisecond per message on average: a round trip costs time,
		// so an operation that waited for a heartbeat would show.
		oneMs := labrpc.Uniform(500*time.Microsecond, 1500*time.Microsecond)
		c.World().Network().SetFaults(&labrpc.Faults{RequestDelay: oneMs, ReplyDelay: oneMs})
		ck := c.clerk(all(3)...)
		ck.Put("x", "") // wait for a leader before timing
		start := time.Now()
		for i := range n {
			ck.Append("x", strconv.Itoa(i%10))
		}
		per := time.Since(start) / n
		t.Logf("%d appends took %v each on the test's clock", n, per)
		require.Less(t, per, 33*time.Millisecond, "an operation must commit without waiting for the next heartbeat")
		require.Len(t, ck.Get("x"), n)
		c.checkLinearizable()
	})
}

func TestClosedClerkGivesUpOnUnreachableServers(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		c := newCluster(t, be, 3, false, -1)
		ck := c.clerk() // reaches no server
		get := done(func() { ck.ck.Get("k") })
		time.Sleep(2 * time.Second)
		select {
		case <-get:
			t.Fatal("a Get returned although no server was reachable")
		default:
		}
		ck.ck.Close()
		select {
		case <-get:
		case <-time.After(time.Second):
			t.Fatal("a closed Clerk's Get did not return within 1 s")
		}
		require.True(t, ck.ck.Closed())
		ck.ck.Put("k", "v") // returns at once
	})
}
