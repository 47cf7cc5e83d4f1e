// Package lock is a lock built on the versioned key/value store
// (kvsrv/versioned): MakeLock(ck, name) returns a Lock whose Acquire and
// Release many clients may call over an unreliable network.
//
// The lock is one key, name. Its value is the holder's id, or "" when the
// lock is free. Acquire reads the key and, if it is free (or missing),
// writes its own id with a Put conditional on the version it read: of
// several clients that saw it free, only one Put matches the version, so
// only one client acquires. Release writes "" the same way.
//
// The interesting case is a Put answered ErrMaybe: a resend found the
// version moved, and the first try may or may not have been the one that
// moved it. The Lock does not guess: it reads the key again. If its own id
// is there, it holds the lock; if not, it did not get it (Acquire goes on
// waiting) or it has released it (Release is done). Because every Lock has
// its own id, "my id is there" is proof of ownership.
//
// # Bad input
//
// MakeLock panics if ck is nil. Release of a lock that this Lock does not
// hold changes nothing. The empty name is a key like any other. A Lock is
// not reentrant: a second Acquire by its holder returns at once (the key
// already holds its id), and one Release frees it.
//
// # Virtual time
//
// A waiting Acquire sleeps between reads (10 ms), so it never spins, and it
// holds no mutex while it waits.
package lock

import (
	"strconv"
	"sync/atomic"
	"time"

	"distlab/kvsrv/versioned"
)

// KV is what a Lock needs of a store: a versioned Get and a conditional
// Put, as *versioned.Clerk provides.
type KV interface {
	Get(key string) (value string, version uint64, err versioned.Err)
	Put(key, value string, version uint64) versioned.Err
}

// pollPause is how long Acquire waits before re-reading a held lock.
const pollPause = 10 * time.Millisecond

// lockIDs numbers the Locks of this process, so that every Lock has an id
// of its own.
var lockIDs atomic.Uint64

// A Lock is one client's handle on a lock named by a key. Acquire and
// Release are meant for one goroutine at a time (a Lock is one holder);
// several Locks, on one Clerk or many, compete for the same name.
type Lock struct {
	kv   KV
	name string
	id   string // the value this Lock writes into the key while it holds it
}

// MakeLock returns a Lock on the key name of the store kv. It panics if kv
// is nil.
func MakeLock(kv KV, name string) *Lock {
	if kv == nil {
		panic("lock.MakeLock(nil, " + strconv.Quote(name) + "): pass a store, e.g. a *versioned.Clerk")
	}
	return &Lock{kv: kv, name: name, id: "lock-" + strconv.FormatUint(lockIDs.Add(1), 10)}
}

// Acquire waits until this Lock holds the lock.
func (lk *Lock) Acquire() {
	for {
		value, version, err := lk.kv.Get(lk.name)
		switch {
		case err == versioned.OK && value == lk.id:
			return // ours: an ErrMaybe Put that took effect, or a second Acquire
		case err == versioned.ErrNoKey || (err == versioned.OK && value == ""):
			if err == versioned.ErrNoKey {
				version = 0 // create the key
			}
			switch lk.kv.Put(lk.name, lk.id, version) {
			case versioned.OK:
				return
			case versioned.ErrMaybe:
				continue // re-read: is our id there?
			}
			// ErrVersion: someone else got there first.
		}
		time.Sleep(pollPause)
	}
}

// Release frees the lock if this Lock holds it, and does nothing otherwise.
func (lk *Lock) Release() {
	for {
		value, version, err := lk.kv.Get(lk.name)
		if err != versioned.OK || value != lk.id {
			return // not ours (any more): an ErrMaybe release that took effect
		}
		if lk.kv.Put(lk.name, "", version) == versioned.OK {
			return
		}
		// ErrMaybe: re-read. (ErrVersion cannot happen while we hold it:
		// only the holder writes the key.)
	}
}
