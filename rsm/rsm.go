package rsm

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"distlab/lablog"
	"distlab/persister"
)

// DefaultSubmitTimeout is how long Submit waits for a request to commit
// when Config.SubmitTimeout is zero.
const DefaultSubmitTimeout = time.Second

// leaderCheckInterval is how often a waiting Submit asks the log whether
// this server is still the leader of the term it started in.
const leaderCheckInterval = 50 * time.Millisecond

// Config describes one RSM replica. Make refuses a Config that is missing a
// part or has an impossible setting.
type Config struct {
	// Me is this server's index among its peers (used in logs and to tag
	// the log entries it proposes).
	Me int
	// Log is the consensus log. The RSM owns it from Make on: RSM.Kill
	// kills it.
	Log Consensus
	// Persister is the storage the log saves its state in; the RSM reads
	// the latest snapshot from it at start-up and watches RaftStateSize.
	Persister *persister.Persister
	// MaxRaftState is the size in bytes of saved log state at which the
	// RSM takes a snapshot; -1 means never.
	MaxRaftState int
	// Machine is the replicated service.
	Machine StateMachine
	// Rand is a seeded source (for example peers[me].Rand() from labrpc)
	// used to tag proposed entries and to jitter Submit's leader checks
	// (see Jitter), so that a seed replays. Make takes
	// ownership: no one else may use it afterwards.
	Rand *rand.Rand
	// SubmitTimeout bounds how long Submit waits for one request to
	// commit; zero means DefaultSubmitTimeout.
	SubmitTimeout time.Duration
	// Observe, if set, sees each command the replica applies and each
	// snapshot it installs (the one restored at start-up included, as a
	// SnapshotValid message with no bytes), in the order the replica
	// goes through them. It is for test checkers (labtest.Agreement). It
	// runs on the replica's goroutine with the RSM's lock held: it must
	// not block or call the RSM.
	Observe func(ApplyMsg)
}

func (c *Config) validate() error {
	var errs []error
	if c.Log == nil {
		errs = append(errs, errors.New("Config.Log is nil: pass the consensus log (for example the *raft.Raft)"))
	}
	if c.Persister == nil {
		errs = append(errs, errors.New("Config.Persister is nil: pass the persister the log saves its state in"))
	}
	if c.Machine == nil {
		errs = append(errs, errors.New("Config.Machine is nil: pass the service's StateMachine"))
	}
	if c.Rand == nil {
		errs = append(errs, errors.New("Config.Rand is nil: pass a seeded *rand.Rand (peers[me].Rand())"))
	}
	if c.MaxRaftState < -1 {
		errs = append(errs, fmt.Errorf("Config.MaxRaftState is %d: want -1 (never snapshot) or a size in bytes >= 0", c.MaxRaftState))
	}
	if c.SubmitTimeout < 0 {
		errs = append(errs, fmt.Errorf("Config.SubmitTimeout is %v: want a positive duration, or 0 for the default", c.SubmitTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("rsm: bad config for server %d: %w", c.Me, err)
	}
	return nil
}

// RSM is one replica of a replicated state machine. Its methods are safe
// for concurrent use: any number of goroutines (typically RPC handlers) may
// call Submit at once. It runs one goroutine of its own, which reads the
// apply channel and is the only caller of the StateMachine; Kill ends it.
type RSM struct {
	me           int
	log          Consensus
	persister    *persister.Persister
	maxraftstate int
	sm           StateMachine
	observe      func(ApplyMsg) // may be nil
	timeout      time.Duration
	lg           *lablog.Logger
	done         chan struct{} // closed by Kill
	wg           sync.WaitGroup

	mu sync.Mutex
	// lastApplied is the index of the last command applied to sm (or
	// covered by the restored snapshot). Invariant: every committed
	// command up to lastApplied has been applied exactly once, in order,
	// and none after it.
	lastApplied int
	// snapshotIndex is the index of the newest snapshot taken or
	// restored. Invariant: snapshotIndex <= lastApplied.
	snapshotIndex int
	// sessions holds, per client id, the newest sequence number applied
	// and its result. Invariant: it reflects exactly the commands up to
	// lastApplied.
	sessions map[int64]session
	// waiters holds the Submit calls waiting for an index to be applied.
	waiters     map[int]*waiter
	incarnation uint64     // tags this process's proposals apart from a predecessor's
	rand        *rand.Rand // cfg.Rand: the jitter of Submit's checks; guarded by mu
	nextTag     uint64
	dead        bool
}

// session is the duplicate-detection record of one client.
type session struct {
	Seq    int64
	Result any
}

// Make starts a replica. applyCh is the channel the consensus log delivers
// committed commands and snapshots on, and convert turns one of its messages
// into an ApplyMsg (for raft: copy the fields of raft.ApplyMsg). The replica
// first restores the snapshot saved in cfg.Persister, if any.
//
// Make returns an error, and starts nothing, if cfg is incomplete or the
// saved snapshot cannot be decoded.
func Make[M any](cfg Config, applyCh <-chan M, convert func(M) ApplyMsg) (*RSM, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if applyCh == nil || convert == nil {
		return nil, fmt.Errorf("rsm: bad config for server %d: the apply channel and its convert function must not be nil", cfg.Me)
	}
	r := &RSM{
		me:           cfg.Me,
		log:          cfg.Log,
		persister:    cfg.Persister,
		maxraftstate: cfg.MaxRaftState,
		sm:           cfg.Machine,
		observe:      cfg.Observe,
		timeout:      cfg.SubmitTimeout,
		lg:           lablog.For(cfg.Me),
		done:         make(chan struct{}),
		sessions:     map[int64]session{},
		waiters:      map[int]*waiter{},
		// A restarted server draws the same stream from an end of the
		// same name, so the start time (virtual in tests) is mixed in.
		incarnation: cfg.Rand.Uint64() ^ uint64(time.Now().UnixNano()),
		rand:        cfg.Rand,
	}
	if r.timeout == 0 {
		r.timeout = DefaultSubmitTimeout
	}
	if snap := cfg.Persister.ReadSnapshot(); len(snap) > 0 {
		if err := r.restore(snap); err != nil {
			return nil, fmt.Errorf("rsm: server %d cannot restore its saved snapshot: %w", cfg.Me, err)
		}
		if r.observe != nil {
			r.observe(ApplyMsg{SnapshotValid: true, SnapshotIndex: r.lastApplied})
		}
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			select {
			case m, ok := <-applyCh:
				if !ok {
					return
				}
				r.handle(convert(m))
			case <-r.done:
				return
			}
		}
	}()
	return r, nil
}

// Kill stops the replica: it kills the consensus log, wakes every waiting
// Submit with ErrKilled, and returns once the replica's goroutine has ended.
// Calling Kill more than once is harmless.
func (r *RSM) Kill() {
	r.mu.Lock()
	if r.dead {
		r.mu.Unlock()
		return
	}
	r.dead = true
	close(r.done)
	r.mu.Unlock()
	r.log.Kill()
	r.wg.Wait()
}

// Killed reports whether Kill has been called.
func (r *RSM) Killed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dead
}

// LastApplied returns the index of the last command this replica applied.
func (r *RSM) LastApplied() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastApplied
}
