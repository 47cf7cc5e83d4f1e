// Package rafttest runs a cluster of distlab/raft peers on the labtest
// harness and checks it: a test service per peer reads applyCh and checks
// what is applied (state machine safety, order, snapshots), and an
// invariant checker watches the peers' state on the test's clock (election
// safety, log matching, leader completeness). raft's own test suite is
// written on it, and chaos.go holds the raft lab's hooks on the chaos
// layer (distlab/labtest/chaos): "distlab chaos raft".
//
// A Cluster's methods follow the classic 6.5840 tester (One, CheckOneLeader,
// NCommitted, Wait, ...). Methods that fail the test (through t.Fatalf) must
// be called on the test's goroutine; TryOne and Committed are for others.
package rafttest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"distlab/labgob"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/raft"
)

// SnapInterval is how often (in applied commands) the test service of a
// snapshotting cluster calls Snapshot.
const SnapInterval = 10

// Config configures a Cluster.
type Config struct {
	// Unreliable starts the network unreliable (10% of requests and replies
	// lost, short delays).
	Unreliable bool
	// Snapshots makes each peer's service call Snapshot every SnapInterval
	// applied commands.
	Snapshots bool
}

// Peer is one incarnation of a server of the cluster: the Raft peer and the
// test service reading its applyCh.
type Peer struct {
	Raft *raft.Raft
	quit chan struct{} // closed by Kill to stop the reader
}

// Kill kills the Raft peer and stops its reader.
func (p *Peer) Kill() {
	p.Raft.Kill()
	close(p.quit)
}

// Cluster is a Raft cluster under test: n peers in a labtest cluster, a
// test service per peer that reads applyCh and checks what is applied, and
// an invariant checker that watches the peers' state on the test's clock.
// Violations found by either fail the test when it ends, or earlier at the
// next One, NCommitted or CheckFailures.
type Cluster struct {
	t    *testing.T
	n    int
	w    *labtest.World
	c    *labtest.Cluster[*Peer]
	rng  *rand.Rand // the test goroutine's
	snap bool

	// agree checks what the peers apply (one command per index, in order)
	// and collects every violation found, the invariant poller's included.
	agree *labtest.Agreement[any]
	inv   *invariants

	mu        sync.Mutex
	logs      []map[int]interface{} // commands applied by each server, by index
	applied   []int                 // last index applied by each server
	maxIndex  int
	snapshots int // snapshots delivered on applyCh
	reported  int // violations already reported by CheckFailures
}

// New starts a cluster of n Raft peers in the test t, which must run under
// labtest.Run. The cluster is checked and killed when the test ends.
func New(t *testing.T, n int, cfg Config) *Cluster {
	t.Helper()
	h := &Cluster{
		t:       t,
		n:       n,
		w:       labtest.WorldOf(t),
		snap:    cfg.Snapshots,
		logs:    make([]map[int]interface{}, n),
		applied: make([]int, n),
		agree:   labtest.NewAgreement(sameCommand).ReportTo(labtest.WorldOf(t).Recorder()),
	}
	h.rng = h.w.Rand()
	for i := range h.logs {
		h.logs[i] = map[int]interface{}{}
	}
	h.c = labtest.NewCluster(t, n, h.startPeer)
	h.w.LongDelays(true)
	if cfg.Unreliable {
		h.w.Reliable(false)
	}
	h.inv = startInvariants(h)
	t.Cleanup(h.cleanup)
	return h
}

// N returns the number of servers.
func (h *Cluster) N() int { return h.n }

// Labtest returns the underlying labtest cluster (for a nemesis or a
// schedule).
func (h *Cluster) Labtest() *labtest.Cluster[*Peer] { return h.c }

// Rand returns the test's generator, derived from its seed; only for the
// test's goroutine.
func (h *Cluster) Rand() *rand.Rand { return h.rng }

func (h *Cluster) cleanup() {
	h.inv.stop()
	h.CheckFailures()
}

// CheckFailures fails the test with the violations found so far (those
// not reported before).
func (h *Cluster) CheckFailures() {
	h.t.Helper()
	n := h.agree.Count()
	h.mu.Lock()
	fresh := n > h.reported
	h.reported = n
	h.mu.Unlock()
	if fresh {
		h.t.Fatalf("%d violation(s), first found first:\n%s", n, joinLines(h.Violations()))
	}
}

// Violations returns the violations found so far, first found first.
func (h *Cluster) Violations() []string { return h.agree.Violations() }

func joinLines(s []string) string {
	var b bytes.Buffer
	for i, l := range s {
		if i == 10 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(s)-10)
			break
		}
		fmt.Fprintf(&b, "  %s\n", l)
	}
	return b.String()
}

// Violated returns a channel that is closed when the first violation is
// found, so that a long run can stop early.
func (h *Cluster) Violated() <-chan struct{} { return h.agree.Failed() }

// Crash kills server i, keeping its persisted state.
func (h *Cluster) Crash(i int) { h.c.Crash(i) }

// Restart restarts server i from its persisted state (crashing it first if
// it runs). It keeps its connection state.
func (h *Cluster) Restart(i int) { h.c.Restart(i) }

// startPeer is the cluster's StartFunc: it makes server i's Raft peer from
// the persister and starts its test service, which first restores the
// snapshot the persister holds.
func (h *Cluster) startPeer(ends []*labrpc.ClientEnd, i int, ps *raft.Persister) (*Peer, []any) {
	h.mu.Lock()
	h.applied[i] = 0
	h.logs[i] = map[int]interface{}{}
	h.agree.Restart(i)
	if s := ps.ReadSnapshot(); len(s) > 0 {
		idx, cmds, err := decodeSnapshot(s)
		if err != nil {
			h.agree.Violate("S%d: restart: %v", i, err)
		} else {
			h.installSnapLocked(i, idx, cmds)
		}
	}
	h.mu.Unlock()
	applyCh := make(chan raft.ApplyMsg)
	p := &Peer{Raft: raft.Make(ends, i, ps, applyCh), quit: make(chan struct{})}
	go h.reader(i, p.Raft, applyCh, p.quit)
	return p, []any{p.Raft}
}

// reader is server i's test service: it checks and records what the peer
// applies, and snapshots every SnapInterval commands when h.snap is set.
func (h *Cluster) reader(i int, rf *raft.Raft, applyCh chan raft.ApplyMsg, quit chan struct{}) {
	for {
		var m raft.ApplyMsg
		select {
		case m = <-applyCh:
		case <-quit:
			return
		}
		switch {
		case m.CommandValid:
			h.agree.Apply(i, m.CommandIndex, m.Command)
			h.mu.Lock()
			h.logs[i][m.CommandIndex] = m.Command
			h.applied[i] = m.CommandIndex
			if m.CommandIndex > h.maxIndex {
				h.maxIndex = m.CommandIndex
			}
			var snap []byte
			if h.snap && m.CommandIndex%SnapInterval == 0 {
				snap = encodeSnapshot(m.CommandIndex, h.logs[i])
			}
			h.mu.Unlock()
			if snap != nil {
				rf.Snapshot(m.CommandIndex, snap)
			}
		case m.SnapshotValid:
			idx, cmds, err := decodeSnapshot(m.Snapshot)
			h.mu.Lock()
			switch {
			case err != nil:
				h.agree.Violate("S%d: %v", i, err)
			case idx != m.SnapshotIndex:
				h.agree.Violate("S%d: snapshot message says index %d, snapshot holds %d", i, m.SnapshotIndex, idx)
			case idx <= h.applied[i]:
				h.agree.Snapshot(i, idx) // reports it
			default:
				h.installSnapLocked(i, idx, cmds)
				h.snapshots++
			}
			h.mu.Unlock()
		default:
			h.agree.Violate("S%d: ApplyMsg with neither CommandValid nor SnapshotValid: %+v", i, m)
		}
	}
}

// installSnapLocked makes the commands of a snapshot through idx server
// i's applied log; the agreement checks them against what every server
// ever applied.
func (h *Cluster) installSnapLocked(i, idx int, cmds []interface{}) {
	h.logs[i] = map[int]interface{}{}
	for k, c := range cmds {
		h.agree.Holds(i, k+1, c)
		h.logs[i][k+1] = c
	}
	h.agree.Snapshot(i, idx)
	h.applied[i] = idx
	if idx > h.maxIndex {
		h.maxIndex = idx
	}
}

// encodeSnapshot encodes the commands applied through index.
func encodeSnapshot(index int, log map[int]interface{}) []byte {
	cmds := make([]interface{}, index)
	for k := 1; k <= index; k++ {
		cmds[k-1] = log[k]
	}
	var b bytes.Buffer
	e := labgob.NewEncoder(&b)
	if err := e.Encode(index); err != nil {
		panic(err)
	}
	if err := e.Encode(cmds); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func decodeSnapshot(s []byte) (int, []interface{}, error) {
	d := labgob.NewDecoder(bytes.NewReader(s))
	var idx int
	var cmds []interface{}
	if err := d.Decode(&idx); err != nil {
		return 0, nil, fmt.Errorf("decoding snapshot index: %w", err)
	}
	if err := d.Decode(&cmds); err != nil {
		return 0, nil, fmt.Errorf("decoding snapshot commands: %w", err)
	}
	if len(cmds) != idx {
		return 0, nil, fmt.Errorf("snapshot through %d holds %d commands", idx, len(cmds))
	}
	return idx, cmds, nil
}

// sameCommand compares two commands; uncomparable ones (slices, maps)
// compare by their printing.
func sameCommand(a, b interface{}) bool {
	if a == nil || b == nil {
		return a == b
	}
	if reflect.TypeOf(a).Comparable() && reflect.TypeOf(b).Comparable() {
		return a == b
	}
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// Connect attaches server i to the network.
func (h *Cluster) Connect(i int) { h.c.Connect(i) }

// Disconnect detaches server i from the network.
func (h *Cluster) Disconnect(i int) { h.c.Disconnect(i) }

// Raft returns server i's peer, or nil if it is crashed.
func (h *Cluster) Raft(i int) *raft.Raft {
	// A server being restarted is alive before its peer exists.
	if p, ok := h.c.Server(i); ok && p != nil {
		return p.Raft
	}
	return nil
}

// Connected reports whether server i runs and is connected.
func (h *Cluster) Connected(i int) bool { return h.c.Alive(i) && h.c.Connected(i) }

// CheckOneLeader waits until exactly one connected server leads in the
// latest term with a leader, and returns it.
func (h *Cluster) CheckOneLeader() int {
	h.t.Helper()
	for iters := 0; iters < 10; iters++ {
		time.Sleep(time.Duration(450+h.rng.IntN(100)) * time.Millisecond)
		leaders := map[int][]int{}
		for i := 0; i < h.n; i++ {
			if h.Connected(i) {
				if rf := h.Raft(i); rf != nil {
					if term, isLeader := rf.GetState(); isLeader {
						leaders[term] = append(leaders[term], i)
					}
				}
			}
		}
		last := -1
		for term, ls := range leaders {
			if len(ls) > 1 {
				h.t.Fatalf("term %d has %d leaders: %v", term, len(ls), ls)
			}
			if term > last {
				last = term
			}
		}
		if last != -1 {
			return leaders[last][0]
		}
	}
	h.t.Fatalf("no leader elected")
	return -1
}

// CheckTerms returns the term all connected servers agree on.
func (h *Cluster) CheckTerms() int {
	h.t.Helper()
	term := -1
	for i := 0; i < h.n; i++ {
		if h.Connected(i) {
			xterm, _ := h.Raft(i).GetState()
			if term == -1 {
				term = xterm
			} else if term != xterm {
				h.t.Fatalf("servers disagree on the term: %d and %d", term, xterm)
			}
		}
	}
	return term
}

// CheckNoLeader fails if a connected server believes it leads.
func (h *Cluster) CheckNoLeader() {
	h.t.Helper()
	for i := 0; i < h.n; i++ {
		if h.Connected(i) {
			if _, isLeader := h.Raft(i).GetState(); isLeader {
				h.t.Fatalf("S%d believes it leads, but it should be cut off from a majority", i)
			}
		}
	}
}

// NCommitted returns how many servers applied index, and the command.
func (h *Cluster) NCommitted(index int) (int, interface{}) {
	h.t.Helper()
	h.CheckFailures()
	return h.Committed(index)
}

// Committed is nCommitted without the check for violations; safe to call
// from any goroutine.
func (h *Cluster) Committed(index int) (int, interface{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	count := 0
	var cmd interface{}
	for i := 0; i < h.n; i++ {
		if c, ok := h.logs[i][index]; ok {
			count++
			cmd = c
		}
	}
	return count, cmd
}

// Wait waits for at least n servers to apply index and returns the command,
// or -1 if the term moved on past startTerm meanwhile (startTerm -1: never).
func (h *Cluster) Wait(index, n, startTerm int) interface{} {
	h.t.Helper()
	to := 10 * time.Millisecond
	for iters := 0; iters < 30; iters++ {
		if nd, _ := h.NCommitted(index); nd >= n {
			break
		}
		time.Sleep(to)
		if to < time.Second {
			to *= 2
		}
		if startTerm > -1 {
			for i := 0; i < h.n; i++ {
				if rf := h.Raft(i); rf != nil {
					if term, _ := rf.GetState(); term > startTerm {
						return -1
					}
				}
			}
		}
	}
	nd, cmd := h.NCommitted(index)
	if nd < n {
		h.t.Fatalf("only %d servers applied index %d, want %d", nd, index, n)
	}
	return cmd
}

// One submits cmd to a leader and waits until expected servers apply it,
// retrying through leader changes when retry is set; it returns the index.
func (h *Cluster) One(cmd interface{}, expected int, retry bool) int {
	h.t.Helper()
	h.CheckFailures()
	index, err := h.TryOne(cmd, expected, retry)
	if err != nil {
		h.t.Fatal(err)
	}
	return index
}

// TryOne is one for goroutines other than the test's: it reports failure
// as an error.
func (h *Cluster) TryOne(cmd interface{}, expected int, retry bool) (int, error) {
	if !retry {
		return h.tryOne(cmd, expected, false, 10*time.Second)
	}
	return h.tryOne(cmd, expected, true, 10*time.Second)
}

// tryOneWithin is TryOne, retrying for at most limit.
func (h *Cluster) tryOneWithin(cmd interface{}, expected int, limit time.Duration) (int, error) {
	return h.tryOne(cmd, expected, true, limit)
}

func (h *Cluster) tryOne(cmd interface{}, expected int, retry bool, limit time.Duration) (int, error) {
	t0 := time.Now()
	s := 0
	for time.Since(t0) < limit {
		index := -1
		for k := 0; k < h.n; k++ {
			s = (s + 1) % h.n
			if !h.Connected(s) {
				continue
			}
			if rf := h.Raft(s); rf != nil {
				if i, _, ok := rf.Start(cmd); ok {
					index = i
					break
				}
			}
		}
		if index != -1 {
			t1 := time.Now()
			// The last look comes after the deadline, so that a process
			// starved of CPU on the real clock is judged on the state the
			// deadline found, not on its last poll before it.
			for done := false; !done; {
				done = time.Since(t1) >= 2*time.Second
				nd, c := h.Committed(index)
				if nd > 0 && nd >= expected && sameCommand(c, cmd) {
					return index, nil
				}
				if !done {
					time.Sleep(20 * time.Millisecond)
				}
			}
			if !retry {
				return -1, fmt.Errorf("command %v at index %d was not applied by %d peers within 2s", cmd, index, expected)
			}
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	return -1, fmt.Errorf("command %v was not applied by %d peers within %v", cmd, expected, limit)
}

// RPCs returns the number of RPCs sent on the network so far.
func (h *Cluster) RPCs() int { return h.w.RPCs() }

// RPCCount returns the number of RPCs server i has received.
func (h *Cluster) RPCCount(i int) int { return h.c.RPCCount(i) }

// Bytes returns the number of bytes sent on the network so far.
func (h *Cluster) Bytes() int64 { return h.w.Bytes() }

// SnapshotsDelivered returns how many snapshots peers received from a
// leader and delivered on applyCh.
func (h *Cluster) SnapshotsDelivered() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snapshots
}

// MaxApplied returns the highest index any peer has applied.
func (h *Cluster) MaxApplied() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.maxIndex
}

// LogSize returns the largest persisted Raft state of any server.
func (h *Cluster) LogSize() int {
	m := 0
	for i := 0; i < h.n; i++ {
		m = max(m, h.c.Persister(i).RaftStateSize())
	}
	return m
}

// Reliable sets whether the network is reliable.
func (h *Cluster) Reliable(yes bool) { h.w.Reliable(yes) }

// LongReordering sets whether replies are often delayed for long.
func (h *Cluster) LongReordering(yes bool) { h.w.LongReordering(yes) }

// ChildRand returns a generator for a goroutine of the test, drawn from the
// test's seed.
func (h *Cluster) ChildRand() *rand.Rand {
	return rand.New(rand.NewPCG(h.rng.Uint64(), h.rng.Uint64()))
}

// TermChanged reports whether some live peer is in another term than term.
func (h *Cluster) TermChanged(term int) bool {
	for i := 0; i < h.n; i++ {
		if rf := h.Raft(i); rf != nil {
			if t, _ := rf.GetState(); t != term {
				return true
			}
		}
	}
	return false
}

// RandString returns n random lower-case letters, from the test's seed.
func (h *Cluster) RandString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + h.rng.IntN(26))
	}
	return string(b)
}
