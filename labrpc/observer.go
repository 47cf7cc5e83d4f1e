package labrpc

import (
	"fmt"
	"time"
)

// A Kind says whether a Message is a request or a reply.
type Kind uint8

const (
	// Request is a message from an end to a server.
	Request Kind = iota
	// Reply is a message from a server back to the caller.
	Reply
)

// String returns "request" or "reply".
func (k Kind) String() string {
	if k == Reply {
		return "reply"
	}
	return "request"
}

// A Fate is what the network did with a message.
type Fate uint8

const (
	// Delivered: the request reached the handler, or the reply the caller.
	Delivered Fate = iota
	// Dropped: the fault model (or the observer) lost the message.
	Dropped
	// Duplicated: the request reached the handler twice.
	Duplicated
	// Disabled: the end is disabled or deleted; the call fails after a
	// timeout (Message.Delay) and no handler runs.
	Disabled
	// NoServer: the end is not connected, or no server has that name; the
	// call fails after a timeout (Message.Delay).
	NoServer
	// ServerDead: the server was deleted or replaced, or the end disabled,
	// while the call was in flight; the call fails and any reply is thrown
	// away.
	ServerDead
	// Closed: the network was cleaned up while the call was in flight.
	Closed

	numFates = iota
)

var fateNames = [...]string{"delivered", "dropped", "duplicated", "disabled", "no-server", "server-dead", "closed"}

// String returns the fate's name in lower case, e.g. "server-dead".
func (f Fate) String() string {
	if int(f) < len(fateNames) {
		return fateNames[f]
	}
	return fmt.Sprintf("Fate(%d)", f)
}

// A Message is one request or reply as an observer sees it.
type Message struct {
	Call   uint64        // numbers the calls of a network from 1; a request and its reply share it
	Kind   Kind          // Request or Reply
	Time   time.Time     // when the network decided the message's fate (virtual time in a bubble)
	End    interface{}   // the calling end's name
	Server interface{}   // the server's name (nil if the end is not connected)
	Method string        // "Service.Method"
	Bytes  int           // encoded size; 0 if the message was never encoded
	Fate   Fate          // what happens to it
	Delay  time.Duration // how long it travels (or, for Disabled and NoServer, until the call fails)
}

// String formats m on one line, e.g. "#3 request e->s Raft.Vote 42B delivered +0s".
func (m *Message) String() string {
	return fmt.Sprintf("#%d %v %v->%v %s %dB %v +%v", m.Call, m.Kind, m.End, m.Server, m.Method, m.Bytes, m.Fate, m.Delay)
}

// An Observer sees every message the network handles, synchronously, at
// the moment its fate is decided and before its delay starts. It runs on
// the calling goroutine, with no lock held, so it must be quick and safe
// for concurrent use; it may call the Network.
//
// An observer may also act on a message whose Fate is Delivered or
// Duplicated: setting Fate to Dropped loses it, and changing Delay (to a
// non-negative value) delays it differently. Other changes are ignored.
type Observer func(m *Message)

// SetObserver installs f as the network's observer, replacing any previous
// one; nil removes it.
func (rn *Network) SetObserver(f Observer) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.observer = f
}

// observe shows m to obs and applies what an observer may change.
func observe(obs Observer, m *Message) {
	if obs == nil {
		return
	}
	fate, delay := m.Fate, m.Delay
	m.Time = time.Now()
	obs(m)
	if (fate == Delivered || fate == Duplicated) && (m.Fate == Dropped || m.Fate == fate) {
		if m.Delay < 0 {
			m.Delay = delay
		}
		return
	}
	m.Fate, m.Delay = fate, delay
}

// Stats counts the messages a network has handled, by fate, as the
// observer would have seen them.
type Stats struct {
	Calls    int          // calls made, whatever became of them (GetTotalCount)
	Bytes    int64        // encoded bytes of requests and replies (GetTotalBytes)
	Requests map[Fate]int // requests by fate; fates that never happened are absent
	Replies  map[Fate]int // replies by fate, including calls failed in flight
}

// Stats returns the network's counts so far.
func (rn *Network) Stats() Stats {
	st := Stats{Calls: rn.GetTotalCount(), Bytes: rn.GetTotalBytes(),
		Requests: map[Fate]int{}, Replies: map[Fate]int{}}
	for f := Fate(0); f < numFates; f++ {
		if n := rn.tally[Request][f].Load(); n > 0 {
			st.Requests[f] = int(n)
		}
		if n := rn.tally[Reply][f].Load(); n > 0 {
			st.Replies[f] = int(n)
		}
	}
	return st
}
