package labtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labrpc"
	"distlab/labtest"
)

// reach reports whether server from of c can call server to.
func reach(c *labtest.Cluster[*Beat], from, to int) bool {
	srv, ok := c.Server(from)
	if !ok {
		return false
	}
	var reply int
	return srv.ends[to].Call("Beat.Echo", 0, &reply) && reply == to
}

func clientReach(cl *labtest.Client, to int) bool {
	var reply int
	return cl.Ends()[to].Call("Beat.Echo", 0, &reply) && reply == to
}

func TestPartitionSeparatesGroupsUntilHeal(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 5, startBeat(time.Second))
		c.Partition([]int{0, 1}, []int{2, 3})
		require.True(t, reach(c, 0, 1))
		require.True(t, reach(c, 2, 3))
		require.False(t, reach(c, 0, 2))
		require.False(t, reach(c, 3, 1))
		require.False(t, reach(c, 4, 0), "a server in no group is isolated")
		require.True(t, reach(c, 4, 4), "an isolated server still reaches itself")
		c.Heal()
		for i := 0; i < 5; i++ {
			for j := 0; j < 5; j++ {
				require.True(t, reach(c, i, j), "%d -> %d after Heal", i, j)
			}
		}
	})
}

func TestDisconnectedServerIsUnreachableByServersAndClients(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 3, startBeat(time.Second))
		cl := c.MakeClient()
		c.Disconnect(1)
		require.False(t, reach(c, 0, 1))
		require.False(t, reach(c, 1, 2))
		require.False(t, clientReach(cl, 1))
		require.True(t, clientReach(cl, 2))
		require.False(t, c.Connected(1))
		c.Connect(1)
		require.True(t, reach(c, 0, 1))
		require.True(t, clientReach(cl, 1))
	})
}

func TestCutIsOneWay(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 3, startBeat(time.Second))
		c.Cut(0, 1)
		require.False(t, reach(c, 0, 1))
		require.True(t, reach(c, 1, 0))
		require.True(t, reach(c, 0, 2))
		c.Heal()
		require.True(t, reach(c, 0, 1))
	})
}

func TestRestartedServerGetsFreshEndsAndItsPersistedState(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 3, startBeat(time.Second))
		old, _ := c.Server(2)
		oldEnds := old.ends
		c.Crash(2)
		require.False(t, c.Alive(2))
		require.False(t, reach(c, 0, 2), "a crashed server answers no calls")
		var reply int
		require.False(t, oldEnds[0].Call("Beat.Echo", 0, &reply), "a dead incarnation's ends stay disabled")
		c.Restart(2)
		require.True(t, c.Alive(2))
		srv, _ := c.Server(2)
		require.NotSame(t, old, srv)
		require.True(t, reach(c, 2, 0))
		require.True(t, reach(c, 0, 2))
		require.False(t, oldEnds[0].Call("Beat.Echo", 0, &reply), "even after its successor started")
		require.Equal(t, []byte{2, 2}, c.Persister(2).ReadRaftState(), "the new incarnation started from the saved state")
	})
}

func TestClientOnOneSideOfAPartitionReachesOnlyThatSide(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 5, startBeat(time.Second))
		a, b := c.MakeClient(), c.MakeClient()
		require.Equal(t, 0, a.ID())
		require.Equal(t, 1, b.ID())
		c.Partition([]int{0, 1, 2}, []int{3, 4})
		a.ConnectOnly(0, 1, 2)
		require.True(t, clientReach(a, 1))
		require.False(t, clientReach(a, 3))
		require.True(t, clientReach(b, 3), "a client left alone reaches every server")
		b.DisconnectAll()
		require.False(t, clientReach(b, 0))
		b.ConnectAll()
		require.True(t, clientReach(b, 0))
	})
}

func TestClustersShareOneNetworkAndReachEachOtherByName(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		ctrl := labtest.NewCluster(t, 3, startQuiet, labtest.Name("ctrl"))
		var made []*labrpc.ClientEnd
		g := labtest.NewCluster(t, 3, func(ends []*labrpc.ClientEnd, me int, p *persisterT) (*Quiet, []any) {
			if me == 0 {
				made = append(made, labtest.MakeEndFrom(ends[me], ctrl.ServerName(1)))
			}
			return startQuiet(ends, me, p)
		}, labtest.Name("g100"))
		require.Equal(t, "g100-2", g.ServerName(2))
		var reply int
		require.True(t, made[0].Call("Quiet.Echo", 0, &reply))
		require.Equal(t, 1, reply)
		g.Partition([]int{0}, []int{1, 2})
		require.True(t, made[0].Call("Quiet.Echo", 0, &reply), "a partition of one cluster does not cut it from others")
		g.Disconnect(0)
		require.False(t, made[0].Call("Quiet.Echo", 0, &reply), "an end follows its owner's connection")
		g.Connect(0)
		g.Crash(0)
		require.False(t, made[0].Call("Quiet.Echo", 0, &reply), "an end dies with its owner's incarnation")
		g.Restart(0)
		require.Len(t, made, 2)
		require.True(t, made[1].Call("Quiet.Echo", 0, &reply))
		e := g.MakeEnd(1, ctrl.ServerName(2))
		require.True(t, e.Call("Quiet.Echo", 0, &reply))
		require.Equal(t, 2, reply)
		cl := g.MakeClient()
		ce := cl.MakeEnd(ctrl.ServerName(0))
		require.True(t, ce.Call("Quiet.Echo", 0, &reply), "a client reaches another cluster by name")
		require.Equal(t, 0, reply)
		cl.ConnectOnly(1)
		require.True(t, ce.Call("Quiet.Echo", 0, &reply), "ConnectOnly limits a client within its own cluster only")
		cl.DisconnectAll()
		require.False(t, ce.Call("Quiet.Echo", 0, &reply))
		s := labtest.WorldOf(t).Schedule()
		require.Equal(t, map[string]int{"ctrl": 3, "g100": 3}, s.Servers)
	})
}
