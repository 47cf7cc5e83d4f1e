package rsm

import (
	"math/rand/v2"
	"sync"
	"time"

	"distlab/labrpc"
)

// A Session is the client side of exactly once: a client id, and requests
// numbered 1, 2, 3, ..., one outstanding at a time, each sent to the
// group's servers in turn, starting at the one that answered last, until
// one accepts it. The Clerks of the services on rsm (kvraft, the shard
// controller) are built on one.
//
// A Session is safe for concurrent use; it runs one operation at a time.
// Close makes it give up; Read and Write then return as soon as their
// current RPC does, and later ones return at once.
type Session struct {
	servers []*labrpc.ClientEnd
	id      int64         // never 0, which means anonymous
	pause   time.Duration // wait after every server has failed once
	turn    chan struct{} // a one-slot semaphore: holds the token while an operation runs
	closed  chan struct{} // closed by Close
	close   sync.Once
	// Guarded by turn:
	seq    int64      // sequence number of the latest Write
	leader int        // the server that answered last
	rand   *rand.Rand // the seeded source of the pauses' jitter
}

// NewSession returns a Session with the group's servers. Its client id and
// first server come from servers[0].Rand(), so a seed replays them. After
// every server has failed it once, it waits pause before trying them all
// again, so it never spins while the group elects a leader. It panics if
// servers is empty.
func NewSession(servers []*labrpc.ClientEnd, pause time.Duration) *Session {
	if len(servers) == 0 {
		panic("rsm.NewSession: no servers")
	}
	r := servers[0].Rand()
	var id int64
	for id == 0 {
		id = r.Int64()
	}
	return &Session{servers: servers, id: id, pause: pause, leader: r.IntN(len(servers)), rand: r,
		turn: make(chan struct{}, 1), closed: make(chan struct{})}
}

// Read sends an anonymous request (one without a sequence number, such as
// a read) with try until a server accepts it: try returns whether it did.
func (s *Session) Read(try func(*labrpc.ClientEnd) bool) {
	s.turn <- struct{}{}
	defer func() { <-s.turn }()
	s.call(try)
}

// Write numbers a request and sends it with try, which puts the client id
// and sequence number into its arguments, until a server accepts it.
func (s *Session) Write(try func(clientID, seq int64, server *labrpc.ClientEnd) bool) {
	s.turn <- struct{}{}
	defer func() { <-s.turn }()
	s.seq++
	seq := s.seq
	s.call(func(server *labrpc.ClientEnd) bool { return try(s.id, seq, server) })
}

// Close makes the Session give up (see Session).
func (s *Session) Close() { s.close.Do(func() { close(s.closed) }) }

// Closed reports whether Close has been called.
func (s *Session) Closed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// call tries the servers, from the last one that answered, until one
// accepts or the Session is closed. Caller holds the turn.
func (s *Session) call(try func(*labrpc.ClientEnd) bool) {
	for failures := 0; !s.Closed(); {
		if try(s.servers[s.leader]) {
			return
		}
		s.leader = (s.leader + 1) % len(s.servers)
		if failures++; failures%len(s.servers) == 0 {
			select {
			case <-time.After(Jitter(s.rand, s.pause)):
			case <-s.closed:
			}
		}
	}
}

// Jitter returns d plus less than a millisecond drawn from r. In a
// testing/synctest bubble, timers that fall due at the same virtual instant
// fire in an order the runtime randomises anew on every run, so clients
// that start together and pause alike would take turns differently each
// time; a pause jittered from a seeded source falls due at an instant of
// its own, and a seed replays the run.
func Jitter(r *rand.Rand, d time.Duration) time.Duration {
	return d + time.Duration(r.Int64N(int64(time.Millisecond)))
}
