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
)

// snapInterval is how often (in applied commands) the test service of a
// snapshotting cluster calls Snapshot.
const snapInterval = 10

// harness is a Raft cluster under test: n peers on one network, a test
// service per peer that reads applyCh and checks what is applied, and an
// invariant checker that watches the peers' state on the test's clock.
type harness struct {
	t    *testing.T
	n    int
	net  *labrpc.Network
	rng  *rand.Rand
	snap bool // the services snapshot every snapInterval commands

	mu        sync.Mutex
	rafts     []*Raft
	saved     []*Persister
	endnames  [][]string
	connected []bool
	quit      []chan struct{} // closed to stop server i's reader
	readers   sync.WaitGroup
	logs      []map[int]interface{} // commands applied by each server, by index
	applied   []int                 // last index applied by each server
	maxIndex  int
	failures  []string // violations found off the test goroutine

	inv    *invariants
	start  time.Time
	rpcs0  int
	bytes0 int64
	t0     time.Time
}

func newHarness(t *testing.T, n int, reliable, snap bool) *harness {
	h := &harness{
		t:         t,
		n:         n,
		net:       labrpc.MakeNetwork(),
		snap:      snap,
		rafts:     make([]*Raft, n),
		saved:     make([]*Persister, n),
		endnames:  make([][]string, n),
		connected: make([]bool, n),
		quit:      make([]chan struct{}, n),
		logs:      make([]map[int]interface{}, n),
		applied:   make([]int, n),
		start:     time.Now(),
	}
	seed := h.net.Seed()
	h.rng = rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	h.net.Reliable(reliable)
	h.net.LongDelays(true)
	for i := 0; i < n; i++ {
		h.logs[i] = map[int]interface{}{}
		h.start1(i)
	}
	for i := 0; i < n; i++ {
		h.connect(i)
	}
	h.inv = startInvariants(h)
	t.Cleanup(h.cleanup)
	return h
}

func (h *harness) cleanup() {
	h.inv.stop()
	for i := 0; i < h.n; i++ {
		h.crash1(i)
	}
	h.net.Cleanup()
	h.readers.Wait()
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
		h.t.Fatalf("seed %d: %d violation(s):\n%s", h.net.Seed(), len(f), joinLines(f))
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

// crash1 kills server i, keeping (a copy of) its persisted state.
func (h *harness) crash1(i int) {
	h.disconnect(i)
	h.net.DeleteServer(i)
	h.mu.Lock()
	if h.saved[i] != nil {
		// The successor gets a copy, so nothing the dead peer still does can
		// reach the new one's storage.
		h.saved[i] = h.saved[i].Copy()
	}
	rf := h.rafts[i]
	h.rafts[i] = nil
	q := h.quit[i]
	h.quit[i] = nil
	h.mu.Unlock()
	if rf != nil {
		rf.Kill()
	}
	if q != nil {
		close(q)
	}
}

// start1 starts (or restarts) server i from its persisted state. It is not
// connected until connect(i).
func (h *harness) start1(i int) {
	h.crash1(i)
	h.endnames[i] = make([]string, h.n)
	ends := make([]*labrpc.ClientEnd, h.n)
	for j := 0; j < h.n; j++ {
		h.endnames[i][j] = fmt.Sprintf("e%d-%d-%d", i, j, h.rng.Int64())
		ends[j] = h.net.MakeEnd(h.endnames[i][j])
		h.net.Connect(h.endnames[i][j], j)
	}
	h.mu.Lock()
	if h.saved[i] == nil {
		h.saved[i] = MakePersister()
	} else {
		h.saved[i] = h.saved[i].Copy()
	}
	ps := h.saved[i]
	h.applied[i] = 0
	h.logs[i] = map[int]interface{}{}
	if s := ps.ReadSnapshot(); len(s) > 0 {
		idx, cmds, err := decodeSnapshot(s)
		if err != nil {
			h.mu.Unlock()
			h.t.Fatalf("S%d: restart: %v", i, err)
		}
		h.installSnapLocked(i, idx, cmds)
	}
	h.mu.Unlock()

	applyCh := make(chan ApplyMsg)
	rf := Make(ends, i, ps, applyCh)
	q := make(chan struct{})
	h.mu.Lock()
	h.rafts[i] = rf
	h.quit[i] = q
	h.mu.Unlock()
	h.readers.Add(1)
	go h.reader(i, rf, applyCh, q)

	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(rf))
	h.net.AddServer(i, srv)
}

// reader is server i's test service: it checks and records what the peer
// applies, and snapshots every snapInterval commands when h.snap is set.
func (h *harness) reader(i int, rf *Raft, applyCh chan ApplyMsg, quit chan struct{}) {
	defer h.readers.Done()
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
func (h *harness) connect(i int) {
	h.connected[i] = true
	for j := 0; j < h.n; j++ {
		if h.connected[j] {
			h.net.Enable(h.endnames[i][j], true)
			h.net.Enable(h.endnames[j][i], true)
		}
	}
}

// disconnect detaches server i from the network.
func (h *harness) disconnect(i int) {
	h.connected[i] = false
	for j := 0; j < h.n; j++ {
		if h.endnames[i] != nil {
			h.net.Enable(h.endnames[i][j], false)
		}
		if h.endnames[j] != nil {
			h.net.Enable(h.endnames[j][i], false)
		}
	}
}

func (h *harness) raft(i int) *Raft {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rafts[i]
}

// checkOneLeader waits until exactly one connected server leads in the
// latest term with a leader, and returns it.
func (h *harness) checkOneLeader() int {
	h.t.Helper()
	for iters := 0; iters < 10; iters++ {
		time.Sleep(time.Duration(450+h.rng.IntN(100)) * time.Millisecond)
		leaders := map[int][]int{}
		for i := 0; i < h.n; i++ {
			if h.connected[i] {
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
		if h.connected[i] {
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
		if h.connected[i] {
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

func (h *harness) rpcTotal() int      { return h.net.GetTotalCount() }
func (h *harness) rpcCount(i int) int { return h.net.GetCount(i) }
func (h *harness) bytesTotal() int64  { return h.net.GetTotalBytes() }
func (h *harness) logSize() int {
	m := 0
	for i := 0; i < h.n; i++ {
		h.mu.Lock()
		ps := h.saved[i]
		h.mu.Unlock()
		if s := ps.RaftStateSize(); s > m {
			m = s
		}
	}
	return m
}

func (h *harness) isConnected(i int) bool { return h.connected[i] }

func (h *harness) setReliable(yes bool)       { h.net.Reliable(yes) }
func (h *harness) setLongReordering(yes bool) { h.net.LongReordering(yes) }

// childRand returns a generator for a goroutine of the test, drawn from the
// test's seed.
func (h *harness) childRand() *rand.Rand {
	return rand.New(rand.NewPCG(h.rng.Uint64(), h.rng.Uint64()))
}

func errWrongType(index int, cmd interface{}) error {
	return fmt.Errorf("index %d holds %v (%T), want an int", index, cmd, cmd)
}
