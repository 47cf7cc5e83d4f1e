// Package labrpc is distlab's simulated network: peers in one process call
// each other's handlers through it, and it loses, delays, duplicates and
// reorders their messages as a real network would — deterministically for a
// given seed.
//
// # Ends, servers and services
//
// A Network connects named ends (the client side of a connection) to named
// servers. A Server holds Services; a Service is an object's handlers. The
// test harness builds the wiring, typically one end per ordered pair of peers:
//
//	net := labrpc.MakeNetwork()
//	defer net.Cleanup()
//	srv := labrpc.MakeServer()
//	srv.AddService(labrpc.MakeService(rf)) // rf's handlers, as "Raft.Method"
//	net.AddServer(2, srv)
//	end := net.MakeEnd("1->2")
//	net.Connect("1->2", 2)
//	net.Enable("1->2", true) // a new end is disabled
//
// and a peer calls through its ends:
//
//	var reply RequestVoteReply
//	ok := peers[2].Call("Raft.RequestVote", &args, &reply)
//
// A handler is an exported method with two parameters, the argument (a value
// or a pointer) and a pointer to the reply, and no results:
//
//	func (rf *Raft) RequestVote(args *RequestVoteArgs, reply *RequestVoteReply)
//
// Call returns true when the reply arrived. false means the request or the
// reply was lost, the end is disabled or unconnected, or the server crashed:
// the caller cannot tell which, nor whether the handler ran, exactly as over
// a real network.
//
// # The classic fault model (the defaults)
//
// A new network is reliable: no loss, no delay. The classic switches, with
// the classic figures:
//
//   - Reliable(false): each request waits 0–27 ms; 10% of requests and 10%
//     of replies are lost (so about 81% of calls succeed).
//   - LongReordering(true): about 2/3 of replies are delayed by 200–2200 ms
//     (skewed towards short), so replies overtake each other.
//   - LongDelays(true): a call on a disabled or unconnected end fails after
//     0–7 s instead of 0–100 ms, which exposes a peer that sends RPCs while
//     holding its lock or waits for them one at a time.
//
// # More faults
//
// A Faults value replaces the classic model where it applies: per directed
// link (SetLinkFaults), per end (SetEndFaults, whatever server the end is
// connected to) or network-wide (SetFaults), the most specific one winning.
// It sets a latency distribution for requests and for replies (Constant,
// Uniform or Exponential), the probability of losing a request or a reply,
// and the probability of delivering a request twice (the handler runs twice,
// on separate copies of the argument; the caller sees the first run's reply).
//
//	net.SetFaults(&labrpc.Faults{
//		RequestDelay: labrpc.Exponential(5 * time.Millisecond),
//		ReplyDelay:   labrpc.Uniform(1*time.Millisecond, 10*time.Millisecond),
//		DropRequest:  0.05, DropReply: 0.05, Duplicate: 0.01,
//	})
//	net.SetLinkFaults("0->1", 1, &labrpc.Faults{RequestDelay: labrpc.Constant(300 * time.Millisecond)})
//
// # Partitions, including one-way ones
//
// Disabling an end cuts one direction of one pair: its calls fail after the
// timeout above and reach no server, and calls in flight on it fail at once.
// A partition disables every end that crosses it; a one-way partition only
// those going one way. With the harness's end names "i->j":
//
//	net.Enable("0->1", false) // 0 can no longer reach 1 ...
//	                          // ... but "1->0" still works: 1 reaches 0
//
// The cut is of calls, not packets: a reply travels back over its caller's
// connection, so 1's calls to 0 still get their replies.
//
// # Crashes
//
// DeleteServer, or AddServer with a name already in use, models a crash: a
// call in flight to the old server returns false at once, even if its handler
// finishes later, and a reply its handler had not returned by then is never
// delivered — to anyone. As in the classic network, a reply's fate is decided
// when its handler returns: a reply already on its way back (in its delay)
// when the server is deleted is delivered, like a packet already on the wire.
// The harness deletes a server before it hands a copy of its Persister to
// the successor, so no client can see a success that only the dead server's
// storage remembers.
//
// # Seeds and determinism
//
// Every random decision — loss, delay, reordering, duplication, the timeout
// of a disabled end — is drawn from a stream of its own per directed link (end
// name → server name), seeded by the network's seed and the two names, and
// drawn in a fixed order when the call starts. So the same seed and the same
// sequence of calls on a link give the same decisions, and traffic on one
// link never shifts another link's decisions. The seed comes from SetSeed,
// else from DISTLAB_SEED, else it is random; Seed reports it.
//
// Peers take their own randomness (election timeouts, back-off) from the
// same seed through their own end: the harness always gives peer i an end to
// itself, and ClientEnd.Rand returns a new generator determined by the seed,
// the end's name and how many generators that end has returned before:
//
//	rf.rand = peers[me].Rand() // guard it with rf.mu: not safe for concurrent use
//
// What a seed cannot fix is the Go scheduler's interleaving of goroutines at
// one instant, so a replay reproduces the network's decisions, not always the
// same execution.
//
// # Observing messages
//
// SetObserver installs a function that sees every request and reply: the
// ends' and server's names, "Service.Method", the encoded size, the fate
// (Delivered, Dropped, Duplicated, Disabled, NoServer, ServerDead, Closed),
// the delay and the (virtual) time. It is for tracing and statistics, and it
// may also drop a delivered message or change its delay, for targeted fault
// injection. It runs synchronously on the calling goroutine. Stats counts
// the same messages by fate, without an observer.
//
// # Copying and counting
//
// Arguments and replies are copied by gob encoding, as over a real wire: the
// caller and the handler never share memory, a handler's change to its
// argument never reaches the caller, and fields gob does not send (those
// with lower-case names) arrive as zero values — labgob warns about them
// once per field when the service is made. Each direction of each link is
// one gob stream, like a TCP connection, so type information is sent once
// and GetTotalBytes counts what such a connection would carry. After a
// message over 64 KiB a direction starts a fresh stream (the next message
// carries its type information again), so that no link keeps a delivered
// message's bytes: gob's encoder and decoder keep buffers as large as the
// largest message they carried. At most 4096 streams are open at once (about
// 7 KB each); beyond that the oldest closes and reopens when next used, so a
// test with 100,000 clients does not hold a stream for each. A reply
// overwrites the caller's whole reply value; a failed Call leaves it alone.
//
// # Mistakes are loud
//
// A Call that cannot be right — an unknown service or method (the error
// lists those that exist), a reply that is not a non-nil pointer to the
// handler's reply type, an argument of another type than the handler's or
// nil, a value gob cannot encode — panics at once in the calling goroutine with an
// error that names the call, the culprit and the fix, and wraps one of
// ErrUnknownService, ErrUnknownMethod, ErrBadName, ErrBadReply, ErrBadArgs
// or ErrEncoding. Returning false instead would make the bug look like a
// network fault, which a correct peer retries forever. The types are checked
// whenever the end is connected to an existing server, even if it is
// disabled, so such a bug does not hide behind a partition. MakeService
// panics (ErrNoHandlers) on a nil receiver or an object without handlers,
// saying why each exported method does not qualify. Mistakes in setting up
// the network — a name that cannot be a map key, AddServer or AddService
// of nil, Connect or Enable of an end never made, a fault probability
// outside [0, 1] — panic with a message naming the call and the fix.
//
// # Goroutines and virtual time
//
// Calls run on their callers' goroutines; handlers run on worker goroutines
// that are reused and end after a second or two without work, and at once on
// Cleanup (after Cleanup every call returns false). The network blocks only
// on channels and timers and never holds a lock while waiting, so it runs
// inside a testing/synctest bubble, where its delays take no real time. Make
// the network inside the bubble that uses it. The handlers are the peer's
// code: a handler that never returns keeps its worker, so a peer's Kill must
// make its handlers return, and handlers should not hold a lock while they
// wait for something.
//
// All methods of Network, Server, Service and ClientEnd are safe for
// concurrent use.
package labrpc
