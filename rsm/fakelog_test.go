package rsm

import (
	"encoding/binary"
	"sync"

	"distlab/persister"
)

// fakeGroup is an in-memory stand-in for a consensus log shared by a group
// of replicas: one slice of entries, a commit index the test controls (or
// that follows every Start when autoCommit is set), a term and a leader.
// Each replica reads the committed prefix through its own fakeLog.
type fakeGroup struct {
	mu         sync.Mutex
	cond       *sync.Cond
	term       int
	leader     int   // -1: none
	entries    []any // entries[i-1] is index i
	commit     int
	autoCommit bool
	entrySize  int // bytes each unsnapshotted entry costs in the raft state
}

func newFakeGroup() *fakeGroup {
	g := &fakeGroup{term: 1, leader: 0, autoCommit: true, entrySize: 100}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// setLeader starts a new term led by peer (-1: none). Entries after the
// commit index are dropped, as a new leader would overwrite them.
func (g *fakeGroup) setLeader(peer int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.term++
	g.leader = peer
	g.entries = g.entries[:g.commit]
}

func (g *fakeGroup) setAutoCommit(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.autoCommit = on
}

// commitAll commits every entry in the log.
func (g *fakeGroup) commitAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.commit = len(g.entries)
	g.cond.Broadcast()
}

func (g *fakeGroup) lastIndex() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.entries)
}

// fakeLog is one replica's view of a fakeGroup; it implements Consensus and
// delivers committed entries on its apply channel from a goroutine of its
// own, which ends on Kill.
type fakeLog struct {
	g         *fakeGroup
	me        int
	ps        *persister.Persister
	applyCh   chan ApplyMsg
	done      chan struct{}
	wg        sync.WaitGroup
	applied   int // guarded by g.mu
	snapIndex int // guarded by g.mu
	paused    bool
	pending   *ApplyMsg // a snapshot to deliver; guarded by g.mu
	snapshots int       // calls to Snapshot; guarded by g.mu
	killed    bool
}

// startFakeLog starts replica me's log, resuming from what ps holds.
func startFakeLog(g *fakeGroup, me int, ps *persister.Persister) *fakeLog {
	l := &fakeLog{g: g, me: me, ps: ps, applyCh: make(chan ApplyMsg), done: make(chan struct{})}
	if st := ps.ReadRaftState(); len(st) >= 8 {
		l.snapIndex = int(binary.BigEndian.Uint64(st))
		l.applied = l.snapIndex
	}
	l.wg.Add(1)
	go l.deliver()
	return l
}

func (l *fakeLog) deliver() {
	defer l.wg.Done()
	g := l.g
	for {
		g.mu.Lock()
		for !l.killed && (l.paused || (l.pending == nil && l.applied >= g.commit)) {
			g.cond.Wait()
		}
		if l.killed {
			g.mu.Unlock()
			return
		}
		var m ApplyMsg
		if l.pending != nil {
			m = *l.pending
			l.pending = nil
			l.applied = max(l.applied, m.SnapshotIndex)
		} else {
			l.applied++
			m = ApplyMsg{CommandValid: true, Command: g.entries[l.applied-1], CommandIndex: l.applied}
			l.persist(nil) // a follower saves the entries it receives
		}
		g.mu.Unlock()
		select {
		case l.applyCh <- m:
		case <-l.done:
			return
		}
	}
}

// persist saves a raft state of entrySize bytes per entry after the
// snapshot. Caller holds g.mu.
func (l *fakeLog) persist(snapshot []byte) {
	n := len(l.g.entries) - l.snapIndex
	st := make([]byte, 8+max(n, 0)*l.g.entrySize)
	binary.BigEndian.PutUint64(st, uint64(l.snapIndex))
	if snapshot == nil {
		snapshot = l.ps.ReadSnapshot()
	}
	l.ps.Save(st, snapshot)
}

func (l *fakeLog) Start(command any) (int, int, bool) {
	g := l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if l.killed || g.leader != l.me {
		return 0, g.term, false
	}
	g.entries = append(g.entries, command)
	l.persist(nil)
	if g.autoCommit {
		g.commit = len(g.entries)
		g.cond.Broadcast()
	}
	return len(g.entries), g.term, true
}

func (l *fakeLog) GetState() (int, bool) {
	g := l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.term, !l.killed && g.leader == l.me
}

func (l *fakeLog) Snapshot(index int, snapshot []byte) {
	g := l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	l.snapshots++
	if index <= l.snapIndex {
		return
	}
	l.snapIndex = index
	l.persist(snapshot)
}

func (l *fakeLog) Kill() {
	l.g.mu.Lock()
	if l.killed {
		l.g.mu.Unlock()
		return
	}
	l.killed = true
	close(l.done)
	l.g.cond.Broadcast()
	l.g.mu.Unlock()
	l.wg.Wait()
}

// setPaused stops (or resumes) delivery to this replica, as if it were cut
// off from the leader.
func (l *fakeLog) setPaused(p bool) {
	l.g.mu.Lock()
	defer l.g.mu.Unlock()
	l.paused = p
	l.g.cond.Broadcast()
}

// installSnapshot queues a snapshot for delivery, as a leader's
// InstallSnapshot would, and trims this replica's log behind it.
func (l *fakeLog) installSnapshot(index int, snapshot []byte) {
	l.g.mu.Lock()
	defer l.g.mu.Unlock()
	l.pending = &ApplyMsg{SnapshotValid: true, Snapshot: snapshot, SnapshotIndex: index, SnapshotTerm: l.g.term}
	l.snapIndex = max(l.snapIndex, index)
	l.persist(snapshot)
	l.g.cond.Broadcast()
}

func (l *fakeLog) snapshotCalls() int {
	l.g.mu.Lock()
	defer l.g.mu.Unlock()
	return l.snapshots
}
