// Package versioned is the versioned form of the client/server lab: a
// key/value server where each key carries a version and a Put is
// conditional, and the package kvsrv/lock builds a lock on it.
//
// Get(key) returns the value and its version (ErrNoKey for a missing key).
// Put(key, value, version) installs the value, and increments the version,
// only if version is the key's current version; version 0 creates a missing
// key (with version 1). Otherwise nothing changes: ErrVersion, or ErrNoKey
// for a Put with a version > 0 of a missing key.
//
// # Why no duplicate table, and why ErrMaybe
//
// Package kvsrv makes a resent Append harmless by remembering, per client,
// the latest request it applied. A conditional Put needs none of that: if a
// Put's reply is lost and the Clerk resends it, the resend finds the version
// that the first try installed, so it changes nothing. At most once comes
// from the version for free; the server keeps nothing per client.
//
// The price is paid in knowledge. The resend's ErrVersion means either
// "your first try took effect and moved the version" or "someone else moved
// it first": the server cannot say which, because it does not remember who
// wrote what. So a Clerk that resent a Put and got ErrVersion returns
// ErrMaybe, and the caller decides (a lock re-reads the key to see whether
// it holds it). A first try that gets ErrVersion is certain: it did nothing.
// An OK is certain whatever the try. ErrNoKey is certain too: keys are never
// deleted, so a key missing at the resend was missing at the first try.
//
// porcupine/models.VersionedKvModel checks histories of this store: an
// ErrMaybe Put is a Put that may or may not have taken effect.
//
// # Files
//
//	common.go  the RPC arguments, replies and outcomes (Err)
//	server.go  KVServer: the versioned store (Get, Put)
//	client.go  Clerk: retries, and where ErrMaybe comes from
//
// # Bad input
//
// MakeClerk(nil) panics with a message naming the missing end. The empty
// string is a key like any other. A Put with a version > 0 of a key that
// does not exist returns ErrNoKey and creates nothing.
//
// # Virtual time
//
// The server runs no goroutines and never blocks while holding its mutex;
// a Clerk sleeps 5 ms between retries. The tests run on labtest in
// virtual time.
package versioned
