package paxoslog

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labgob"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
	"distlab/rsm"
)

// The tests run Logs on the labtest harness (virtual time) under a minimal
// service, server: it applies each delivered slot by appending the command
// to its state (no-ops apart), snapshots every snapEvery slots, restores
// its snapshot when it starts, and reports every delivery to an Agreement,
// which checks one value per slot across servers and incarnations, and
// that each incarnation is delivered slots 1, 2, 3, ... in order (a
// snapshot may jump ahead, never back).

// server is one incarnation of the test service.
type server struct {
	log  *Log
	me   int
	c    *cluster
	stop chan struct{}
	wg   sync.WaitGroup

	mu        sync.Mutex
	applied   int      // the last slot applied, or reached by a snapshot
	state     []string // the commands applied, in slot order, no-ops apart
	snapshots []int    // the slots of the snapshots installed from the log
}

// saved is the service's snapshot.
type saved struct {
	Applied int
	State   []string
}

// Kill kills the log, then the apply loop.
func (s *server) Kill() {
	s.log.Kill()
	close(s.stop)
	s.wg.Wait()
}

func (s *server) loop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.stop:
			return
		case m := <-s.log.ApplyCh():
			s.apply(m)
		}
	}
}

func (s *server) apply(m rsm.ApplyMsg) {
	s.mu.Lock()
	switch {
	case m.CommandValid:
		s.c.agree.Apply(s.me, m.CommandIndex, m.Command)
		s.applied = m.CommandIndex
		if c, ok := m.Command.(string); ok {
			s.state = append(s.state, c)
		} else if _, ok := m.Command.(noop); !ok {
			s.c.agree.Violate("S%d: slot %d delivered %T, neither a command nor a no-op", s.me, m.CommandIndex, m.Command)
		}
	case m.SnapshotValid:
		if m.SnapshotIndex <= s.applied {
			break // our own, restored already
		}
		var sv saved
		if err := labgob.NewDecoder(bytes.NewReader(m.Snapshot)).Decode(&sv); err != nil || sv.Applied != m.SnapshotIndex {
			s.c.agree.Violate("S%d: a snapshot delivered for slot %d holds slot %d (%v)", s.me, m.SnapshotIndex, sv.Applied, err)
		}
		s.c.agree.Snapshot(s.me, m.SnapshotIndex)
		s.applied, s.state = m.SnapshotIndex, sv.State
		s.snapshots = append(s.snapshots, m.SnapshotIndex)
	}
	var snap []byte
	if s.c.snapEvery > 0 && m.CommandValid && s.applied%s.c.snapEvery == 0 {
		snap = encode(saved{Applied: s.applied, State: s.state})
	}
	idx := s.applied
	s.mu.Unlock()
	if snap != nil {
		s.log.Snapshot(idx, snap)
	}
}

func encode(sv saved) []byte {
	var b bytes.Buffer
	if err := labgob.NewEncoder(&b).Encode(sv); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// view returns what the server applied: its last slot and its state.
func (s *server) view() (applied int, state []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied, slices.Clone(s.state)
}

// cluster is a group of servers on the harness.
type cluster struct {
	*labtest.Cluster[*server]
	t         *testing.T
	agree     *labtest.Agreement[any]
	snapEvery int
}

func newCluster(t *testing.T, n, snapEvery int) *cluster {
	c := &cluster{t: t, agree: labtest.NewAgreement[any](nil), snapEvery: snapEvery}
	c.Cluster = labtest.NewCluster(t, n, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*server, []any) {
		s := &server{me: me, c: c, stop: make(chan struct{})}
		c.agree.Restart(me)
		if snap := p.ReadSnapshot(); len(snap) > 0 {
			var sv saved
			if err := labgob.NewDecoder(bytes.NewReader(snap)).Decode(&sv); err != nil {
				panic(fmt.Sprintf("S%d: the saved snapshot: %v", me, err))
			}
			s.applied, s.state = sv.Applied, sv.State
			c.agree.Snapshot(me, sv.Applied)
		}
		s.log = Make(ends, me, p)
		s.wg.Add(1)
		go s.loop()
		return s, []any{s.log.Paxos()}
	})
	t.Cleanup(func() {
		for _, v := range c.agree.Violations() {
			t.Error(v)
		}
	})
	return c
}

// server returns live server i; the test fails if it is down.
func (c *cluster) server(i int) *server {
	s, ok := c.Server(i)
	require.True(c.t, ok && s != nil, "server %d is down", i)
	return s
}

// waitApplied waits up to limit on the test's clock until each server in
// which has applied up to slot at least.
func (c *cluster) waitApplied(slot int, limit time.Duration, which ...int) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for _, i := range which {
		for {
			if applied, _ := c.server(i).view(); applied >= slot {
				break
			}
			if time.Now().After(deadline) {
				applied, _ := c.server(i).view()
				c.t.Fatalf("S%d applied up to slot %d after %v, want %d", i, applied, limit, slot)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	require.Empty(c.t, c.agree.Violations())
}

// submit starts command at server i until some server applied it, and
// returns the slot it was applied at: a command that loses its slot to
// another server's is started again (as the rsm's client retries).
func (c *cluster) submit(i int, command string) int {
	c.t.Helper()
	for try := 0; try < 50; try++ {
		slot, _, ok := c.server(i).log.Start(command)
		require.True(c.t, ok)
		for range 100 {
			if n, v := c.agree.Applied(slot); n > 0 {
				if v == command {
					return slot
				}
				break // another command won the slot
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	c.t.Fatalf("%q was never applied", command)
	return 0
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestSlotsAreDeliveredInOrderAndAgreeAtEveryServer has every server start
// commands at once, so that they compete for the same slots: every server
// is delivered every slot in order, the same command at each slot, and
// each command that won a slot appears once.
func TestSlotsAreDeliveredInOrderAndAgreeAtEveryServer(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		const n, per = 3, 10
		c := newCluster(t, n, 0)
		var wg sync.WaitGroup
		slots := make([][]int, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range per {
					slots[i] = append(slots[i], c.submit(i, fmt.Sprintf("c%d.%d", i, k)))
				}
			}()
		}
		wg.Wait()
		last := 0
		for _, s := range slots {
			last = max(last, slices.Max(s))
		}
		c.waitApplied(last, 5*time.Second, all(n)...)
		_, want := c.server(0).view()
		for i := range n {
			_, got := c.server(i).view()
			require.Equal(t, want[:n*per], got[:n*per], "S%d's commands differ from S0's", i)
		}
		seen := map[string]bool{}
		for _, cmd := range want {
			require.False(t, seen[cmd], "%q applied twice", cmd)
			seen[cmd] = true
		}
		require.Len(t, seen, n*per, "every command submitted is applied once")
	})
}

// TestAHoleIsFilledWithANoop uses slot 3 and leaves slots 1 and 2 unused:
// every server fills them with no-ops and delivers the command at 3.
// Then a server cut off from the others starts a command in the next slot,
// which only its own acceptor accepts; the others fill that slot with a
// no-op while they go on, and the cut-off server, once back, is delivered
// the no-op there, not its own command.
func TestAHoleIsFilledWithANoop(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		const n = 3
		c := newCluster(t, n, 0)
		c.server(0).log.Paxos().Start(3, "three")
		c.waitApplied(3, 5*time.Second, all(n)...)
		for i := range n {
			_, state := c.server(i).view()
			require.Equal(t, []string{"three"}, state, "S%d", i)
		}
		for slot := 1; slot <= 2; slot++ {
			_, v := c.agree.Applied(slot)
			require.Equal(t, noop{}, v, "slot %d", slot)
		}

		c.Disconnect(2)
		slot, _, ok := c.server(2).log.Start("lost")
		require.True(t, ok)
		require.Equal(t, 4, slot)
		time.Sleep(100 * time.Millisecond)
		c.server(0).log.Paxos().Start(5, "five") // a later slot in use: slot 4 is a hole
		c.waitApplied(5, 5*time.Second, 0, 1)
		_, v := c.agree.Applied(4)
		require.Equal(t, noop{}, v, "the hole at slot 4, its proposer cut off, is a no-op")
		c.Connect(2)
		c.waitApplied(5, 5*time.Second, 2)
		_, state := c.server(2).view()
		require.Equal(t, []string{"three", "five"}, state, "S2 learns slot 4 is a no-op: its own command there was never chosen")
	})
}

// TestALaggardCatchesUpThroughASnapshot cuts a server off while the others
// apply commands, snapshot and say Done, then restarts the others (so that
// they no longer hold the values the laggard missed, only their
// snapshots). Once back, the laggard is delivered a snapshot from another
// server and goes on applying after it, with the same state as the others.
func TestALaggardCatchesUpThroughASnapshot(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		const n, snapEvery = 3, 5
		c := newCluster(t, n, snapEvery)
		for k := range 3 {
			c.submit(0, fmt.Sprint("a", k))
		}
		c.waitApplied(3, 5*time.Second, all(n)...)
		c.Disconnect(2)
		last := 0
		for k := range 4 * snapEvery {
			last = c.submit(k%2, fmt.Sprint("b", k))
		}
		c.waitApplied(last, 5*time.Second, 0, 1)
		for i := range 2 {
			c.Crash(i)
			c.Restart(i)
		}
		c.Connect(2)
		c.waitApplied(last, 10*time.Second, 2)
		s2 := c.server(2)
		s2.mu.Lock()
		snaps := slices.Clone(s2.snapshots)
		s2.mu.Unlock()
		require.NotEmpty(t, snaps, "S2 caught up without a snapshot")
		require.Greater(t, snaps[0], 3, "the snapshot S2 installed is newer than what it applied")

		more := c.submit(2, "after")
		c.waitApplied(more, 5*time.Second, all(n)...)
		_, want := c.server(0).view()
		_, got := s2.view()
		require.Equal(t, want, got)
	})
}

// TestARestartedServerResumesAfterItsSnapshot crashes every server after
// they applied and snapshotted: each restarts from its persister with the
// snapshot's state, is delivered the slots after it (the Agreement fails a
// slot delivered again or skipped), and the group goes on.
func TestARestartedServerResumesAfterItsSnapshot(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		const n, snapEvery = 3, 4
		c := newCluster(t, n, snapEvery)
		last := 0
		for k := range 2*snapEvery + 2 {
			last = c.submit(k%n, fmt.Sprint("x", k))
		}
		c.waitApplied(last, 5*time.Second, all(n)...)
		_, before := c.server(0).view()
		for i := range n {
			c.Crash(i)
		}
		for i := range n {
			c.Restart(i)
			applied, state := c.server(i).view()
			require.GreaterOrEqual(t, applied, 2*snapEvery, "S%d restarted without its snapshot", i)
			require.Equal(t, before[:len(state)], state, "S%d's restored state", i)
		}
		c.waitApplied(last, 5*time.Second, all(n)...)
		more := c.submit(1, "y")
		c.waitApplied(more, 5*time.Second, all(n)...)
		for i := range n {
			_, state := c.server(i).view()
			require.Equal(t, append(slices.Clone(before), "y"), state, "S%d", i)
		}
	})
}

// TestKillEndsEveryGoroutine kills logs whose deliverer is blocked on an
// apply channel nobody reads and whose proposals are in flight: Kill
// returns, Start and GetState report the log dead, and the harness finds
// no goroutine left when the test ends.
func TestKillEndsEveryGoroutine(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		const n = 3
		c := labtest.NewCluster(t, n, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*Log, []any) {
			l := Make(ends, me, p) // nobody reads its apply channel
			return l, []any{l.Paxos()}
		})
		for i := range n {
			l, _ := c.Server(i)
			for k := range 3 {
				_, _, ok := l.Start(fmt.Sprint(i, k))
				require.True(t, ok)
			}
		}
		time.Sleep(50 * time.Millisecond) // decided, and stuck in delivery
		l0, _ := c.Server(0)
		fate, _ := l0.Paxos().Status(1)
		require.Equal(t, "Decided", fate.String(), "slot 1 is decided, its delivery blocked")
		c.Disconnect(1) // proposals to it stay in flight
		for i := range n {
			l, _ := c.Server(i)
			l.Start("late")
			l.Kill()
			_, _, ok := l.Start("after")
			require.False(t, ok, "Start on a killed log")
			_, ok = l.GetState()
			require.False(t, ok, "GetState on a killed log")
		}
	})
}
