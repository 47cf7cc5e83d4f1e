package labtest

import (
	"fmt"
	"math/rand/v2"

	"distlab/labrpc"
)

// A Client is a clerk's place on the network: ends of its own to every
// server of a cluster, connected or disconnected one by one. Give its Ends
// to the lab's clerk constructor:
//
//	cl := c.MakeClient()
//	ck := kvraft.MakeClerk(cl.Ends())
//
// A Client is safe for concurrent use.
type Client struct {
	w       *World
	nd      *node
	cluster string
	n       int
	ends    []*labrpc.ClientEnd
	rng     *rand.Rand
}

// MakeClient makes a client of the cluster with one end to each of its
// servers (in index order), all connected. Its ID (from 0, in order of
// creation over the whole test) is the lane of its operations in a
// history.
func (c *Cluster[S]) MakeClient() *Client {
	g := c.g
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	id := w.nclients
	w.nclients++
	nd := &node{name: fmt.Sprintf("client-%d", id), cluster: g.name, index: id, client: true, alive: true, up: true}
	w.addNodeLocked(nd)
	cl := &Client{w: w, nd: nd, cluster: g.name, n: g.n}
	for i := 0; i < g.n; i++ {
		cl.ends = append(cl.ends, w.makeEndLocked(nd, serverName(g.name, i)))
	}
	cl.rng = rand.New(rand.NewPCG(w.rng.Uint64(), w.rng.Uint64()))
	return cl
}

// ID returns the client's number, from 0 in order of creation.
func (c *Client) ID() int { return c.nd.index }

// Ends returns the client's ends to the cluster's servers, in index order.
// The slice is the caller's.
func (c *Client) Ends() []*labrpc.ClientEnd { return append([]*labrpc.ClientEnd(nil), c.ends...) }

// Rand returns the client's random generator, derived from the test's
// seed; use it for the client's choices (keys, values, which server to try
// first). Not safe for concurrent use.
func (c *Client) Rand() *rand.Rand { return c.rng }

// MakeEnd returns a fresh end from the client to the server named
// serverName, of any cluster (shardkv's clerk make_end).
func (c *Client) MakeEnd(serverName string) *labrpc.ClientEnd {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	return c.w.makeEndLocked(c.nd, serverName)
}

// ConnectAll lets the client reach every server of its cluster.
func (c *Client) ConnectAll() {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	c.nd.allow = nil
	c.nd.up = true
	c.w.refreshLocked()
}

// ConnectOnly lets the client reach only the given servers of its cluster,
// e.g. one side of a partition:
//
//	c.Partition(p1, p2)
//	cl.ConnectOnly(p1...)
func (c *Client) ConnectOnly(servers ...int) {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	c.nd.allow = map[string]bool{}
	for _, i := range servers {
		if i < 0 || i >= c.n {
			panic(fmt.Sprintf("labtest: ConnectOnly: server %d out of range 0..%d", i, c.n-1))
		}
		c.nd.allow[serverName(c.cluster, i)] = true
	}
	c.nd.up = true
	c.w.refreshLocked()
}

// DisconnectAll cuts the client off from every server; its calls fail.
func (c *Client) DisconnectAll() {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	c.nd.up = false
	c.w.refreshLocked()
}
