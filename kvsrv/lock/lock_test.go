package lock

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"distlab/kvsrv/versioned"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
	"distlab/porcupine/models"
)

func startServer(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*versioned.KVServer, []any) {
	kv := versioned.StartKVServer()
	return kv, []any{kv}
}

// recKV is a versioned Clerk whose operations are recorded in the test's
// history, so the lock's own traffic is checked with porcupine too.
type recKV struct {
	h  *labtest.History
	id int
	ck *versioned.Clerk
}

func (r *recKV) Get(key string) (string, uint64, versioned.Err) {
	out := labtest.Record(r.h, r.id, models.VersionedInput{Op: models.VersionedGet, Key: key},
		func() models.VersionedOutput {
			v, ver, err := r.ck.Get(key)
			return models.VersionedOutput{Value: v, Version: ver, Err: string(err)}
		})
	return out.Value, out.Version, versioned.Err(out.Err)
}

func (r *recKV) Put(key, value string, version uint64) versioned.Err {
	out := labtest.Record(r.h, r.id, models.VersionedInput{Op: models.VersionedPut, Key: key, Value: value, Version: version},
		func() models.VersionedOutput {
			return models.VersionedOutput{Err: string(r.ck.Put(key, value, version))}
		})
	return versioned.Err(out.Err)
}

// lockWorld is a versioned server and the test's history.
type lockWorld struct {
	c *labtest.Cluster[*versioned.KVServer]
	w *labtest.World
	h *labtest.History
}

func newLockWorld(t *testing.T, reliable bool) *lockWorld {
	w := labtest.WorldOf(t)
	lw := &lockWorld{c: labtest.NewCluster(t, 1, startServer), w: w, h: w.History()}
	lw.w.Reliable(reliable)
	lw.h.SetModel(models.VersionedKvModelName, models.VersionedKvModel)
	return lw
}

func (lw *lockWorld) store() *recKV {
	cl := lw.c.MakeClient()
	return &recKV{h: lw.h, id: cl.ID(), ck: versioned.MakeClerk(cl.Ends()[0])}
}

// A section is one critical section on the test's clock.
type section struct {
	client     int
	start, end time.Duration
}

// checkExclusive fails the test if two critical sections overlap on the
// test's clock. Sections are at least a millisecond long, so an overlap
// cannot hide in one instant.
func checkExclusive(t *testing.T, secs []section) {
	t.Helper()
	slices.SortFunc(secs, func(a, b section) int { return int(a.start - b.start) })
	for i := 1; i < len(secs); i++ {
		if p, s := secs[i-1], secs[i]; s.start < p.end {
			t.Fatalf("client %d entered at %v while client %d held the lock (%v to %v)", s.client, s.start, p.client, p.start, p.end)
		}
	}
}

// contend runs n clients for d of the test's clock, each acquiring the lock,
// holding it for 1 to 5 ms, and releasing it. Inside its section a client
// also checks that no one else is inside. Every client must get the lock at
// least once (progress); sections must not overlap; the store's history
// must be linearizable.
func contend(t *testing.T, reliable bool, n int, d time.Duration) {
	labtest.Run(t, func(t *testing.T) {
		lw := newLockWorld(t, reliable)
		deadline := lw.w.Now() + d
		var (
			mu     sync.Mutex
			secs   []section
			inside atomic.Int32
			wg     sync.WaitGroup
		)
		for i := range n {
			st := lw.store()
			lk := MakeLock(st, "L")
			cl := lw.c.MakeClient()
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := cl.Rand()
				for lw.w.Now() < deadline {
					lk.Acquire()
					start := lw.w.Now()
					if inside.Add(1) != 1 {
						t.Errorf("client %d is in its critical section with another client", i)
					}
					time.Sleep(time.Duration(1+r.IntN(5)) * time.Millisecond)
					inside.Add(-1)
					end := lw.w.Now()
					lk.Release()
					mu.Lock()
					secs = append(secs, section{client: i, start: start, end: end})
					mu.Unlock()
					time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond)
				}
			}()
		}
		wg.Wait()
		checkExclusive(t, secs)
		got := map[int]int{}
		for _, s := range secs {
			got[s.client]++
		}
		for i := range n {
			if got[i] == 0 {
				t.Fatalf("client %d never acquired the lock in %v (%d sections by others)", i, d, len(secs))
			}
		}
		t.Logf("%d clients, %d critical sections in %v", n, len(secs), d)
		lw.h.Check(models.VersionedKvModel, 0)
	})
}

func TestLockIsExclusive(t *testing.T) {
	for _, reliable := range []bool{true, false} {
		for _, n := range []int{1, 2, 10} {
			name := fmt.Sprintf("reliable=%v/clients=%d", reliable, n)
			t.Run(name, func(t *testing.T) { contend(t, reliable, n, 5*time.Second) })
		}
	}
}

// The reply to the Put that acquires the lock is lost: the resend answers
// ErrMaybe, and the Lock must find its own id in the key and hold the lock
// (not wait for ever for a lock it holds). Then the reply of the Put that
// releases it is lost: Release must still free it.
func TestLostRepliesOfAcquireAndRelease(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		lw := newLockWorld(t, true)
		var mu sync.Mutex
		drop := true
		lw.w.Network().SetObserver(func(m *labrpc.Message) {
			mu.Lock()
			defer mu.Unlock()
			if drop && m.Kind == labrpc.Reply && m.Method == "KVServer.Put" {
				m.Fate = labrpc.Dropped
				drop = false
			}
		})
		a, b := MakeLock(lw.store(), "L"), MakeLock(lw.store(), "L")
		lost := func(what string) {
			mu.Lock()
			defer mu.Unlock()
			if drop {
				t.Fatalf("no Put reply was lost during %s: the test proved nothing", what)
			}
			drop = true
		}
		a.Acquire() // creates the key: its reply is lost
		lost("Acquire")
		a.Release() // the reply of its Put is lost too
		lost("Release")
		mu.Lock()
		drop = false
		mu.Unlock()
		done := make(chan struct{})
		go func() { b.Acquire(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Fatal("b could not acquire the lock a released after a lost reply")
		}
		b.Release()
		lw.h.Check(models.VersionedKvModel, 0)
	})
}

// Releasing a lock one does not hold changes nothing.
func TestReleaseOfALockNotHeldDoesNothing(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		lw := newLockWorld(t, true)
		a, b := MakeLock(lw.store(), "L"), MakeLock(lw.store(), "L")
		b.Release() // never held, key missing
		a.Acquire()
		b.Release() // held by a
		st := lw.store()
		if v, _, _ := st.Get("L"); v != a.id {
			t.Fatalf("the key holds %q after another client's Release, want a's id %q", v, a.id)
		}
		a.Release()
		lw.h.Check(models.VersionedKvModel, 0)
	})
}

func TestMakeLockOfNilStorePanicsNamingIt(t *testing.T) {
	defer func() {
		if r := fmt.Sprint(recover()); r != `lock.MakeLock(nil, "L"): pass a store, e.g. a *versioned.Clerk` {
			t.Fatalf("MakeLock(nil) panicked with %q", r)
		}
	}()
	MakeLock(nil, "L")
}
