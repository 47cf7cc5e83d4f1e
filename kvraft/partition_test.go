package kvraft

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waitLeader sleeps until some server believes it leads.
func waitLeader(t *testing.T, c *cluster) int {
	t.Helper()
	for range 100 {
		if l, ok := c.leader(); ok {
			return l
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no leader within 10 s")
	return 0
}

// done runs f in a goroutine and returns a channel closed when f returns.
func done(f func()) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		f()
	}()
	return ch
}

func TestMinoritySideOfPartitionCompletesNoOperations(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		c := newCluster(t, be, 5, false, -1)
		ck := c.clerk(all(5)...)
		ck.Put("1", "13")
		// The old leader goes to the minority side.
		l := waitLeader(t, c)
		minority := []int{l, (l + 1) % 5}
		majority := []int{(l + 2) % 5, (l + 3) % 5, (l + 4) % 5}
		c.Partition(majority, minority)

		inMajority := c.clerk(majority...)
		inMajority.Put("1", "14")
		require.Equal(t, "14", inMajority.Get("1"))

		inMinority1 := c.clerk(minority...)
		inMinority2 := c.clerk(minority...)
		inMinority3 := c.clerk(minority...)
		put := done(func() { inMinority1.Put("1", "15") })
		get := done(func() { inMinority2.Get("1") })
		app := done(func() { inMinority3.Append("1", "16") })
		time.Sleep(3 * time.Second)
		for name, ch := range map[string]<-chan struct{}{"Put": put, "Get": get, "Append": app} {
			select {
			case <-ch:
				t.Fatalf("a %s on the minority side completed during the partition", name)
			default:
			}
		}
		// The majority side keeps serving meanwhile.
		inMajority.Put("2", "x")
		require.Equal(t, "x", inMajority.Get("2"))

		c.Heal()
		for _, ck := range []*recClerk{inMinority1, inMinority2, inMinority3} {
			c.connectClerk(ck, all(5))
		}
		for _, ch := range []<-chan struct{}{put, get, app} {
			select {
			case <-ch:
			case <-time.After(5 * time.Second):
				t.Fatal("an operation started on the minority side did not complete within 5 s of healing")
			}
		}
		final := ck.Get("1")
		require.Contains(t, []string{"15", "1516"}, final)
		c.checkLinearizable()
	})
}

func TestLeaderCutOffFromMajorityNeverAnswersWithStaleData(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		c := newCluster(t, be, 5, false, -1)
		ck := c.clerk(all(5)...)
		ck.Put("k", "old")
		l := waitLeader(t, c)
		others := []int{(l + 1) % 5, (l + 2) % 5, (l + 3) % 5, (l + 4) % 5}
		c.Partition([]int{l}, others)
		// The majority elects a new leader and moves on.
		c.clerk(others...).Put("k", "new")
		// A clerk that can only reach the old leader must not read "old".
		stale := c.clerk(l)
		var got string
		get := done(func() { got = stale.Get("k") })
		select {
		case <-get:
			t.Fatalf("a leader cut off from the majority answered a Get with %q", got)
		case <-time.After(3 * time.Second):
		}
		c.Heal()
		c.connectClerk(stale, all(5))
		<-get
		require.Equal(t, "new", got)
		c.checkLinearizable()
	})
}

func TestManyPartitionsOneClient(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 1, partitions: true}.run(t, be) })
}

func TestManyPartitionsManyClients(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 5, partitions: true}.run(t, be) })
}
