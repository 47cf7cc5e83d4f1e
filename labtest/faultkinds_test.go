package labtest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labrpc"
	"distlab/labtest"
)

// Counter is a toy server that counts the calls of Count it handles.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Count counts one call and replies with the count so far.
func (c *Counter) Count(_ int, reply *int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	*reply = c.n
}

// Kill does nothing: a Counter has no goroutines.
func (c *Counter) Kill() {}

func startCounter(ends []*labrpc.ClientEnd, me int, p *persisterT) (*Counter, []any) {
	c := &Counter{}
	return c, []any{c}
}

// calls makes k calls of Counter.Count on e, one after the other, and
// returns how many went through, the virtual time they took, and the last
// count the server replied.
func calls(e *labrpc.ClientEnd, k int) (ok int, took time.Duration, last int) {
	start := time.Now()
	for i := 0; i < k; i++ {
		if e.Call("Counter.Count", 0, &last) {
			ok++
		}
	}
	return ok, time.Since(start), last
}

// The four kinds that labrpc.Faults and the World's observer make
// possible, each with the effect it must have while it lasts (on calls
// from server 0 to server 1) and none once it ended.
var newKinds = []struct {
	kind   string
	event  labtest.Event
	effect func(t *testing.T, c *labtest.Cluster[*Counter])
}{
	{labtest.KindSlow, labtest.Event{Kind: labtest.KindSlow, From: 0, To: 1, Mean: time.Second, For: 30 * time.Second},
		func(t *testing.T, c *labtest.Cluster[*Counter]) {
			_, took, _ := calls(c.MakeEnd(0, c.ServerName(1)), 10)
			require.Greater(t, took, 3*time.Second, "10 calls on a link with a mean latency of 1 s")
			_, back, _ := calls(c.MakeEnd(1, c.ServerName(0)), 10)
			require.Zero(t, back, "the other way is not slow")
		}},
	{labtest.KindLossy, labtest.Event{Kind: labtest.KindLossy, From: 0, To: 1, Rate: 0.5, For: 30 * time.Second},
		func(t *testing.T, c *labtest.Cluster[*Counter]) {
			ok, _, _ := calls(c.MakeEnd(0, c.ServerName(1)), 100)
			require.InDelta(t, 25, ok, 15, "about a quarter of calls survive a loss of half of requests and half of replies")
		}},
	{labtest.KindDuplicate, labtest.Event{Kind: labtest.KindDuplicate, From: 0, To: 1, Rate: 1, For: 30 * time.Second},
		func(t *testing.T, c *labtest.Cluster[*Counter]) {
			ok, _, _ := calls(c.MakeEnd(0, c.ServerName(1)), 10)
			require.Equal(t, 10, ok)
			time.Sleep(time.Millisecond) // the second runs of the last call
			srv, _ := c.Server(1)
			srv.mu.Lock()
			defer srv.mu.Unlock()
			require.Equal(t, 20, srv.n, "every request handled twice")
		}},
	{labtest.KindPause, labtest.Event{Kind: labtest.KindPause, Server: 1, For: 2 * time.Second},
		func(t *testing.T, c *labtest.Cluster[*Counter]) {
			since := c.World().Now() // since the pause began, at 0
			_, took, _ := calls(c.MakeEnd(0, c.ServerName(1)), 1)
			require.GreaterOrEqual(t, took, 2*time.Second-since, "a call to a paused server waits for it to resume")
			_, out, _ := calls(c.MakeEnd(1, c.ServerName(0)), 1)
			require.Zero(t, out, "its calls are held until it resumes too, and it has resumed")
			srv, _ := c.Server(1)
			srv.mu.Lock()
			defer srv.mu.Unlock()
			require.Equal(t, 1, srv.n, "its state is intact")
		}},
}

func TestNewFaultKindsAreRecordedReplayedAndTakeEffect(t *testing.T) {
	for _, tc := range newKinds {
		t.Run(tc.kind, func(t *testing.T) {
			// Recorded: injected by the test, with its effect.
			var recorded []byte
			labtest.Run(t, func(t *testing.T) {
				c := labtest.NewCluster(t, 3, startCounter)
				c.Inject(tc.event)
				tc.effect(t, c)
				s := c.World().Schedule()
				require.Len(t, s.Events, 1)
				e := s.Events[0]
				require.Equal(t, labtest.ByTest, e.By)
				e.At, e.By, e.Cluster = 0, "", ""
				require.Equal(t, tc.event, e)
				require.True(t, e.IsFault())
				var err error
				recorded, err = s.Marshal()
				require.NoError(t, err)
			})
			// Replayed: the same schedule, read back and played, has the
			// same effect; and none once the fault has ended.
			s, err := labtest.ParseSchedule(recorded)
			require.NoError(t, err)
			require.Equal(t, tc.kind, s.Events[0].Kind)
			labtest.Run(t, func(t *testing.T) {
				c := labtest.NewCluster(t, 3, startCounter)
				nem := c.Apply(s)
				nem.Wait()
				tc.effect(t, c)
				time.Sleep(s.Events[0].At + tc.event.For - c.World().Now() + time.Millisecond)
				ok, took, _ := calls(c.MakeEnd(0, c.ServerName(1)), 20)
				require.Equal(t, 20, ok, "the fault ended after %v", tc.event.For)
				require.Zero(t, took)
				require.Equal(t, labtest.BySchedule, c.World().Schedule().Events[0].By)
			})
		})
	}
}

func TestNemesisChoosesTheNewKindsWhenTheirRateIsSet(t *testing.T) {
	for _, tc := range newKinds {
		t.Run(tc.kind, func(t *testing.T) {
			labtest.Run(t, func(t *testing.T) {
				c := labtest.NewCluster(t, 5, startCounter)
				nem := c.StartNemesis(labtest.NemesisConfig{Interval: 100 * time.Millisecond, HealEvery: -1,
					Rates: map[string]float64{tc.kind: 1}})
				time.Sleep(2 * time.Second)
				nem.Stop()
				n := 0
				for _, e := range c.World().Schedule().Events {
					if e.By == labtest.ByNemesis {
						require.Equal(t, tc.kind, e.Kind)
						require.Positive(t, e.For)
						n++
					}
				}
				require.Greater(t, n, 5, "faults of %s in 2 s at one per 100 ms", tc.kind)
				// After Stop the cluster is healthy: every link fault healed,
				// every pause over.
				ok, took, _ := calls(c.MakeEnd(0, c.ServerName(1)), 20)
				require.Equal(t, 20, ok)
				require.Zero(t, took)
			})
		})
	}
}

func TestHealEndsLinkFaultsButNotPauses(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 3, startCounter)
		c.Inject(labtest.Event{Kind: labtest.KindLossy, From: 0, To: 1, Rate: 1, For: time.Minute})
		c.Inject(labtest.Event{Kind: labtest.KindPause, Server: 2, For: time.Second})
		ok, _, _ := calls(c.MakeEnd(0, c.ServerName(1)), 5)
		require.Zero(t, ok)
		c.Heal()
		ok, _, _ = calls(c.MakeEnd(0, c.ServerName(1)), 5)
		require.Equal(t, 5, ok, "heal ended the lossy link")
		_, took, _ := calls(c.MakeEnd(0, c.ServerName(2)), 1)
		require.Greater(t, took, 900*time.Millisecond, "a pause cannot be cut short")
	})
}

func TestRatesAllZeroMeanTheDefaultMix(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 5, startCounter)
		nem := c.StartNemesis(labtest.NemesisConfig{Interval: 100 * time.Millisecond, Rates: map[string]float64{"pause": 0}})
		time.Sleep(3 * time.Second)
		nem.Stop()
		kinds := map[string]bool{}
		for _, e := range c.World().Schedule().Events {
			if e.By == labtest.ByNemesis {
				kinds[e.Kind] = true
			}
		}
		require.True(t, kinds[labtest.KindPartition], "the default mix partitions: %v", kinds)
		require.False(t, kinds[labtest.KindPause], "and never pauses: %v", kinds)
	})
}
