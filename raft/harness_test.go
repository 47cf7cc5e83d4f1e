package raft

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
)

// snapInterval is how often (in applied commands) the test service of a
// snapshotting cluster calls Snapshot.
const snapInterval = 10

// run runs a test body on the labtest harness: in virtual time, with a
// seed, a failure schedule and artefacts on failure.
func run(t *testing.T, body func(t *testing.T)) { labtest.Run(t, body) }

// peer is one incarnation of a server of the test cluster: the Raft peer and
// the test service reading its applyCh.
type peer struct {
	rf   *Raft
	quit chan struct{} // closed by Kill to stop the reader
}

// Kill kills the Raft peer and stops its reader.
func (p *peer) Kill() {
	p.rf.Kill()
	close(p.quit)
}

// harness is a Raft cluster under test: n peers in a labtest cluster, a test
// service per peer that reads applyCh and checks what is applied, and an
// invariant checker that watches the peers' state on the test's clock.
type harness struct {
	t    *testing.T
	n    int
	w    *labtest.World
	c    *labtest.Cluster[*peer]
	rng  *rand.Rand
	snap bool // the services snapshot every snapInterval commands

	mu       sync.Mutex
	logs     []map[int]interface{} // commands applied by each server, by index
	applied  []int                 // last index applied by each server
	maxIndex int
	failures []string // violations found off the test goroutine

	inv *invariants
}

func newHarness(t *testing.T, n int, reliable, snap bool) *harness {
	h := &harness{
		t:       t,
		n:       n,
		w:       labtest.WorldOf(t),
		snap:    snap,
		logs:    make([]map[int]interface{}, n),
		applied: make([]int, n),
	}
	h.rng = h.w.Rand()
	for i := range h.logs {
		h.logs[i] = map[int]interface{}{}
	}
	h.c = labtest.NewCluster(t, n, h.startPeer)
	h.c.LongDelays(true)
	if !reliable {
		h.c.Reliable(false)
	}
	h.inv = startInvariants(h)
	t.Cleanup(h.cleanup)
	return h
}

func (h *harness) cleanup() {
	h.inv.stop()
	h.checkFailures()
}

// checkFailures fails the test with the violations found so far.
func (h *harness) checkFailures() {
	h.t.Helper()
	h.mu.Lock()
	f := append([]string(nil), h.failures...)
	h.mu.Unlock()
	f = append(f, h.inv.violations()...)
	if len(f) > 0 {
		h.t.Fatalf("%d violation(s):\n%s", len(f), joinLines(f))
	}
}

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

func (h *harness) failf(format string, args ...interface{}) {
	h.mu.Lock()
	h.failures = append(h.failures, fmt.Sprintf(format, args...))
	h.mu.Unlock()
}

// crash1 kills server i, keeping its persisted state.
func (h *harness) crash1(i int) { h.c.Crash(i) }

// start1 restarts server i from its persisted state (crashing it first if
// it runs). It keeps its connection state.
func (h *harness) start1(i int) { h.c.Restart(i) }

// startPeer is the cluster's StartFunc: it makes server i's Raft peer from
// the persister and starts its test service, which first restores the
// snapshot the persister holds.
func (h *harness) startPeer(ends []*labrpc.ClientEnd, i int, ps *Persister) (*peer, []any) {
	h.mu.Lock()
	h.applied[i] = 0
	h.logs[i] = map[int]interface{}{}
	if s := ps.ReadSnapshot(); len(s) > 0 {
		idx, cmds, err := decodeSnapshot(s)
		if err != nil {
			h.failures = append(h.failures, fmt.Sprintf("S%d: restart: %v", i, err))
		} else {
			h.installSnapLocked(i, idx, cmds)
		}
	}
	h.mu.Unlock()
	applyCh := make(chan ApplyMsg)
	p := &peer{rf: Make(ends, i, ps, applyCh), quit: make(chan struct{})}
	go h.reader(i, p.rf, applyCh, p.quit)
	return p, []any{p.rf}
}

// reader is server i's test service: it checks and records what the peer
// applies, and snapshots every snapInterval commands when h.snap is set.
func (h *harness) reader(i int, rf *Raft, applyCh chan ApplyMsg, quit chan struct{}) {
	for {
		var m ApplyMsg
		select {
		case m = <-applyCh:
		case <-quit:
			return
		}
		switch {
		case m.CommandValid:
			h.mu.Lock()
			if m.CommandIndex != h.applied[i]+1 {
				h.failures = append(h.failures, fmt.Sprintf("S%d applied index %d after %d: out of order", i, m.CommandIndex, h.applied[i]))
			}
			h.checkCommandLocked(i, m.CommandIndex, m.Command)
			h.logs[i][m.CommandIndex] = m.Command
			h.applied[i] = m.CommandIndex
			if m.CommandIndex > h.maxIndex {
				h.maxIndex = m.CommandIndex
			}
			var snap []byte
			if h.snap && m.CommandIndex%snapInterval == 0 {
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
				h.failures = append(h.failures, fmt.Sprintf("S%d: %v", i, err))
			case idx != m.SnapshotIndex:
				h.failures = append(h.failures, fmt.Sprintf("S%d: snapshot message says index %d, snapshot holds %d", i, m.SnapshotIndex, idx))
			case idx <= h.applied[i]:
				h.failures = append(h.failures, fmt.Sprintf("S%d: snapshot through %d delivered after applying %d", i, idx, h.applied[i]))
			default:
				h.installSnapLocked(i, idx, cmds)
			}
			h.mu.Unlock()
		default:
			h.failf("S%d: ApplyMsg with neither CommandValid nor SnapshotValid: %+v", i, m)
		}
	}
}

// checkCommandLocked records a violation if another server applied a
// different command at index.
func (h *harness) checkCommandLocked(i, index int, cmd interface{}) {
	for j := 0; j < h.n; j++ {
		if old, ok := h.logs[j][index]; ok && !sameCommand(old, cmd) {
			h.failures = append(h.failures, fmt.Sprintf("state machine safety: S%d applied %v at index %d but S%d applied %v", i, cmd, index, j, old))
		}
	}
}

func (h *harness) installSnapLocked(i, idx int, cmds []interface{}) {
	h.logs[i] = map[int]interface{}{}
	for k, c := range cmds {
		h.checkCommandLocked(i, k+1, c)
		h.logs[i][k+1] = c
	}
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

// connect attaches server i to the network.
func (h *harness) connect(i int) { h.c.Connect(i) }

// disconnect detaches server i from the network.
func (h *harness) disconnect(i int) { h.c.Disconnect(i) }

// raft returns server i's peer, or nil if it is crashed.
func (h *harness) raft(i int) *Raft {
	// A server being restarted is alive before its peer exists.
	if p, ok := h.c.Server(i); ok && p != nil {
		return p.rf
	}
	return nil
}

// isConnected reports whether server i runs and is connected.
func (h *harness) isConnected(i int) bool { return h.c.Alive(i) && h.c.Connected(i) }

// checkOneLeader waits until exactly one connected server leads in the
// latest term with a leader, and returns it.
func (h *harness) checkOneLeader() int {
	h.t.Helper()
	for iters := 0; iters < 10; iters++ {
		time.Sleep(time.Duration(450+h.rng.IntN(100)) * time.Millisecond)
		leaders := map[int][]int{}
		for i := 0; i < h.n; i++ {
			if h.isConnected(i) {
				if rf := h.raft(i); rf != nil {
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

// checkTerms returns the term all connected servers agree on.
func (h *harness) checkTerms() int {
	h.t.Helper()
	term := -1
	for i := 0; i < h.n; i++ {
		if h.isConnected(i) {
			xterm, _ := h.raft(i).GetState()
			if term == -1 {
				term = xterm
			} else if term != xterm {
				h.t.Fatalf("servers disagree on the term: %d and %d", term, xterm)
			}
		}
	}
	return term
}

// checkNoLeader fails if a connected server believes it leads.
func (h *harness) checkNoLeader() {
	h.t.Helper()
	for i := 0; i < h.n; i++ {
		if h.isConnected(i) {
			if _, isLeader := h.raft(i).GetState(); isLeader {
				h.t.Fatalf("S%d believes it leads, but it should be cut off from a majority", i)
			}
		}
	}
}

// nCommitted returns how many servers applied index, and the command.
func (h *harness) nCommitted(index int) (int, interface{}) {
	h.t.Helper()
	h.checkFailures()
	return h.committed(index)
}

// committed is nCommitted without the check for violations; safe to call
// from any goroutine.
func (h *harness) committed(index int) (int, interface{}) {
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

// wait waits for at least n servers to apply index and returns the command,
// or -1 if the term moved on past startTerm meanwhile (startTerm -1: never).
func (h *harness) wait(index, n, startTerm int) interface{} {
	h.t.Helper()
	to := 10 * time.Millisecond
	for iters := 0; iters < 30; iters++ {
		if nd, _ := h.nCommitted(index); nd >= n {
			break
		}
		time.Sleep(to)
		if to < time.Second {
			to *= 2
		}
		if startTerm > -1 {
			for i := 0; i < h.n; i++ {
				if rf := h.raft(i); rf != nil {
					if term, _ := rf.GetState(); term > startTerm {
						return -1
					}
				}
			}
		}
	}
	nd, cmd := h.nCommitted(index)
	if nd < n {
		h.t.Fatalf("only %d servers applied index %d, want %d", nd, index, n)
	}
	return cmd
}

// one submits cmd to a leader and waits until expected servers apply it,
// retrying through leader changes when retry is set; it returns the index.
func (h *harness) one(cmd interface{}, expected int, retry bool) int {
	h.t.Helper()
	h.checkFailures()
	index, err := h.tryOne(cmd, expected, retry)
	if err != nil {
		h.t.Fatal(err)
	}
	return index
}

// tryOne is one for goroutines other than the test's: it reports failure
// as an error.
func (h *harness) tryOne(cmd interface{}, expected int, retry bool) (int, error) {
	t0 := time.Now()
	s := 0
	for time.Since(t0) < 10*time.Second {
		index := -1
		for k := 0; k < h.n; k++ {
			s = (s + 1) % h.n
			if !h.isConnected(s) {
				continue
			}
			if rf := h.raft(s); rf != nil {
				if i, _, ok := rf.Start(cmd); ok {
					index = i
					break
				}
			}
		}
		if index != -1 {
			t1 := time.Now()
			for time.Since(t1) < 2*time.Second {
				nd, c := h.committed(index)
				if nd > 0 && nd >= expected && sameCommand(c, cmd) {
					return index, nil
				}
				time.Sleep(20 * time.Millisecond)
			}
			if !retry {
				return -1, fmt.Errorf("command %v at index %d was not applied by %d peers within 2s", cmd, index, expected)
			}
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	return -1, fmt.Errorf("command %v was not applied by %d peers within 10s", cmd, expected)
}

func (h *harness) rpcTotal() int      { return h.w.RPCs() }
func (h *harness) rpcCount(i int) int { return h.c.RPCCount(i) }
func (h *harness) bytesTotal() int64  { return h.w.Bytes() }

// logSize returns the largest persisted Raft state of any server.
func (h *harness) logSize() int {
	m := 0
	for i := 0; i < h.n; i++ {
		m = max(m, h.c.Persister(i).RaftStateSize())
	}
	return m
}

func (h *harness) setReliable(yes bool)       { h.c.Reliable(yes) }
func (h *harness) setLongReordering(yes bool) { h.c.LongReordering(yes) }

// childRand returns a generator for a goroutine of the test, drawn from the
// test's seed.
func (h *harness) childRand() *rand.Rand {
	return rand.New(rand.NewPCG(h.rng.Uint64(), h.rng.Uint64()))
}

func errWrongType(index int, cmd interface{}) error {
	return fmt.Errorf("index %d holds %v (%T), want an int", index, cmd, cmd)
}
