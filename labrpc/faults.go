package labrpc

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// A Latency is a distribution of message delays: Constant, Uniform or
// Exponential. The zero Latency is no delay.
type Latency struct {
	kind   latencyKind
	lo, hi time.Duration // constant: lo; uniform: [lo, hi]; exponential: mean lo
}

type latencyKind uint8

const (
	noLatency latencyKind = iota
	constantLatency
	uniformLatency
	exponentialLatency
)

// Constant returns the Latency that always delays by d.
func Constant(d time.Duration) Latency {
	if d < 0 {
		panic(fmt.Sprintf("labrpc.Constant(%v): a delay cannot be negative", d))
	}
	return Latency{kind: constantLatency, lo: d}
}

// Uniform returns the Latency uniformly distributed over [lo, hi], at
// nanosecond granularity.
func Uniform(lo, hi time.Duration) Latency {
	if lo < 0 || hi < lo {
		panic(fmt.Sprintf("labrpc.Uniform(%v, %v): need 0 <= lo <= hi", lo, hi))
	}
	return Latency{kind: uniformLatency, lo: lo, hi: hi}
}

// Exponential returns the exponentially distributed Latency with the given
// mean: many short delays and a long tail.
func Exponential(mean time.Duration) Latency {
	if mean < 0 {
		panic(fmt.Sprintf("labrpc.Exponential(%v): the mean cannot be negative", mean))
	}
	return Latency{kind: exponentialLatency, lo: mean}
}

// String describes the distribution, e.g. "uniform(0s,27ms)".
func (l Latency) String() string {
	switch l.kind {
	case constantLatency:
		return fmt.Sprintf("constant(%v)", l.lo)
	case uniformLatency:
		return fmt.Sprintf("uniform(%v,%v)", l.lo, l.hi)
	case exponentialLatency:
		return fmt.Sprintf("exponential(mean %v)", l.lo)
	}
	return "none"
}

// draw takes exactly one value from r for a non-zero Latency and none for
// the zero Latency, so a link's stream advances the same way for the same
// settings.
func (l Latency) draw(r *rand.Rand) time.Duration {
	switch l.kind {
	case constantLatency:
		r.Uint64()
		return l.lo
	case uniformLatency:
		return l.lo + time.Duration(r.Int64N(int64(l.hi-l.lo)+1))
	case exponentialLatency:
		return time.Duration(r.ExpFloat64() * float64(l.lo))
	}
	return 0
}

// Faults is a fault model for messages: what happens to a request and its
// reply on a link. It replaces the classic model (Reliable, LongReordering)
// wherever it applies; see Network.SetFaults, SetEndFaults and
// SetLinkFaults. The zero Faults is a perfect network. LongDelays still
// governs how long a call to a disabled end takes to fail.
type Faults struct {
	// RequestDelay delays each request before it reaches the handler.
	RequestDelay Latency
	// ReplyDelay delays each reply before the caller sees it.
	ReplyDelay Latency
	// DropRequest is the probability that a request is lost: the handler
	// does not run and Call returns false (after RequestDelay).
	DropRequest float64
	// DropReply is the probability that a reply is lost: the handler ran
	// but Call returns false.
	DropReply float64
	// Duplicate is the probability that a request is delivered twice: the
	// handler runs a second time, on its own copy of the argument, after the
	// first run returns; the caller sees only the first reply.
	Duplicate float64
}

func (f *Faults) validate(where string) {
	for _, p := range []struct {
		name string
		v    float64
	}{{"DropRequest", f.DropRequest}, {"DropReply", f.DropReply}, {"Duplicate", f.Duplicate}} {
		if !(p.v >= 0 && p.v <= 1) {
			panic(fmt.Sprintf("labrpc.%s: Faults.%s = %v is not a probability in [0, 1]", where, p.name, p.v))
		}
	}
}

// decision is the network's verdict on one call, drawn from the link's
// stream when the call starts, always in the same order.
type decision struct {
	reqDelay  time.Duration
	dropReq   bool
	dup       bool
	dropReply bool
	repDelay  time.Duration
}

func chance(r *rand.Rand, p float64) bool {
	if p <= 0 {
		return false
	}
	return r.Float64() < p
}

func (f *Faults) decide(r *rand.Rand) decision {
	var d decision
	d.reqDelay = f.RequestDelay.draw(r)
	d.dropReq = chance(r, f.DropRequest)
	d.dup = chance(r, f.Duplicate)
	d.dropReply = chance(r, f.DropReply)
	d.repDelay = f.ReplyDelay.draw(r)
	return d
}

// classicDecide is the model of the classic 6.5840 network: unreliable
// means a 0-27 ms delay and 10% of requests and 10% of replies lost; long
// reordering delays 2/3 of replies by 200 ms plus up to 2 s (skewed short).
//
// The delays are drawn to the nanosecond, not in whole milliseconds: in a
// testing/synctest bubble, timers due at the same instant fire in an order
// the runtime randomises on every run, so two messages sent together with
// equal delays would arrive in either order, and a seed would not replay.
func classicDecide(r *rand.Rand, reliable, longReordering bool) decision {
	var d decision
	if !reliable {
		d.reqDelay = upTo(r, 27*time.Millisecond)
		d.dropReq = r.IntN(1000) < 100
		d.dropReply = r.IntN(1000) < 100
	}
	if longReordering && r.IntN(900) < 600 {
		d.repDelay = 200*time.Millisecond + upTo(r, upTo(r, 2*time.Second)+1)
	}
	return d
}

// failDelay is how long a call to a disabled or unconnected end takes to
// fail: up to 100 ms, or up to 7 s with long delays (so that Raft tests
// notice a leader that sends RPCs synchronously).
func failDelay(r *rand.Rand, longDelays bool) time.Duration {
	if longDelays {
		return upTo(r, 7*time.Second)
	}
	return upTo(r, 100*time.Millisecond)
}

// upTo draws a duration in [0, d) from r, to the nanosecond.
func upTo(r *rand.Rand, d time.Duration) time.Duration {
	return time.Duration(r.Int64N(int64(d)))
}
