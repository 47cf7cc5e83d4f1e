package labtest

import (
	"time"
)

// Counters is a snapshot of the network's traffic at one instant of the
// test's clock. Take one before an interval and subtract it from one taken
// after (Sub) to get the traffic of the interval.
type Counters struct {
	At    time.Duration // since the start of the test
	RPCs  int           // RPCs sent
	Bytes int64         // bytes sent, requests and replies
}

// Counters returns the traffic so far.
func (w *World) Counters() Counters {
	return Counters{At: w.Now(), RPCs: w.net.GetTotalCount(), Bytes: w.net.GetTotalBytes()}
}

// Sub returns the traffic between earlier and c.
func (c Counters) Sub(earlier Counters) Counters {
	return Counters{At: c.At - earlier.At, RPCs: c.RPCs - earlier.RPCs, Bytes: c.Bytes - earlier.Bytes}
}

// RPCRate returns the RPCs per second of an interval (c from Sub).
func (c Counters) RPCRate() float64 {
	if c.At <= 0 {
		return 0
	}
	return float64(c.RPCs) / c.At.Seconds()
}

// CheckRPCs fails the test if more than max RPCs were sent since the
// snapshot since, naming what the budget was for ("idle heartbeats").
// It returns the number sent.
func (w *World) CheckRPCs(since Counters, max int, what string) int {
	d := w.Counters().Sub(since)
	if d.RPCs > max {
		w.t.Errorf("labtest: %s: %d RPCs in %v, more than the budget of %d (%.1f per second)", what, d.RPCs, d.At, max, d.RPCRate())
	}
	return d.RPCs
}

// CheckBytes fails the test if more than max bytes were sent since the
// snapshot since, naming what the budget was for. It returns the number
// sent.
func (w *World) CheckBytes(since Counters, max int64, what string) int64 {
	d := w.Counters().Sub(since)
	if d.Bytes > max {
		w.t.Errorf("labtest: %s: %d bytes sent in %v, more than the budget of %d", what, d.Bytes, d.At, max)
	}
	return d.Bytes
}

// CheckRaftStateSize fails the test if a server's persisted Raft state is
// larger than limit bytes: the classic check that a service snapshots
// (kvraft tests use 8*maxraftstate). It returns the largest size seen.
func (c *Cluster[S]) CheckRaftStateSize(limit int) int {
	largest := 0
	for i := 0; i < c.g.n; i++ {
		sz := c.Persister(i).RaftStateSize()
		largest = max(largest, sz)
		if sz > limit {
			c.g.t.Errorf("labtest: server %s: persisted Raft state is %d bytes, more than the limit of %d: the log was not trimmed by a snapshot", c.ServerName(i), sz, limit)
		}
	}
	return largest
}
