package kvraft

import (
	"distlab/labtest"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOneClientReadsItsOwnWrites(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { workload{clients: 1}.run(t) })
}

func TestConcurrentClientsAreLinearizable(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { workload{clients: 5}.run(t) })
}

func TestUnreliableNetworkIsLinearizable(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { workload{clients: 5, unreliable: true}.run(t) })
}

func TestConcurrentAppendsToOneKeyAllLandOnce(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		const clients, appends = 5, 10
		c := newCluster(t, 3, true, -1)
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
	labtest.Run(t, func(t *testing.T) {
		const n = 1000
		c := newCluster(t, 3, false, -1)
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
