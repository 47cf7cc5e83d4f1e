// Package kvsrv is a key/value server with one server and many clients over
// an unreliable network: the first lab after MapReduce, and the place where
// RPC meets its central difficulty. A Clerk's request or its reply may be
// lost; the Clerk cannot tell which, so it must resend; and a resent
// Append that the server already applied would append twice.
//
// # At most once: the client's id and sequence number
//
// The server makes every Put and Append take effect exactly once by
// recognising retries. Each Clerk has an id (a random 64-bit number) and
// numbers its operations 1, 2, 3, ...; it resends a request unchanged until
// a reply arrives and only then sends the next. So the server needs to
// remember, per client, only the latest sequence number it applied and
// that request's reply:
//
//   - a request with a higher number is new: run it, remember it;
//   - the same number is a retry: answer it with the remembered reply,
//     without running it again;
//   - a lower number is a stale duplicate still travelling: its client got
//     a reply long ago and waits for nothing, so drop it.
//
// Why both numbers: the id alone cannot tell a retry from the client's next
// operation with the same arguments (two Appends of "x" are two appends),
// and a sequence number alone is ambiguous between clients. Why one entry
// per client: a client's next request proves it received every earlier
// reply, so the server never needs more than the latest.
//
// Append returns the value before the append. That reply is the only one
// worth remembering (a Put's reply is empty, and a Get changes nothing, so
// a retried Get may simply run again); it is dropped at the client's next
// request, Get included. A server that instead kept every reply, or kept
// Get replies, would hold a copy of every large value it ever served.
// Memory, as the tests measure it after garbage collection with the network
// still alive: overwriting or appending to a 10 MiB value leaves no 10 MiB
// copy behind once the client moves on, and 100,000 clients that each did
// a Put leave a few dozen bytes each (the map entry of their id).
//
// The id costs the server an entry per client for ever, since it cannot
// know when a client has gone. Package kvsrv/versioned shows the other
// design: a conditional Put needs no table at all, and the price is an
// answer (ErrMaybe) that admits it does not know.
//
// # Files
//
//	common.go  the RPC arguments and replies
//	server.go  KVServer: the store and the per-client duplicate table (admit)
//	client.go  Clerk: ids, sequence numbers and retries; Close for tools
//
// # Bad input
//
// MakeClerk(nil) panics with a message naming the missing end. The empty
// string is a key like any other. A request with ClientID 0 (a Clerk
// never sends one; a hand-made request might) is anonymous: it runs every
// time it arrives, without duplicate detection.
//
// # Virtual time
//
// The server runs no goroutines and never blocks while holding its mutex;
// a Clerk sleeps 5 ms between retries rather than spinning. So the tests
// run on labtest in virtual time.
package kvsrv
