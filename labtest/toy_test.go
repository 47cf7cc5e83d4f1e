package labtest_test

import (
	"sync"
	"sync/atomic"
	"time"

	"distlab/labrpc"
	"distlab/persister"
)

// Beat is a toy server: it sends a heartbeat to every other server every
// 100 ms until killed, counts the heartbeats it receives, and answers Echo.
// Its random generator comes from its own end, as a lab peer's does.
type Beat struct {
	mu     sync.Mutex
	me     int
	ends   []*labrpc.ClientEnd
	p      *persister.Persister
	beats  int
	first  int64 // first draw from ends[me].Rand()
	dead   atomic.Bool
	done   chan struct{}
	period time.Duration
}

// BeatArgs is the argument of Beat.Heartbeat.
type BeatArgs struct{ From int }

// BeatReply is the reply of Beat.Heartbeat.
type BeatReply struct{ Me int }

// Heartbeat counts a heartbeat.
func (b *Beat) Heartbeat(args *BeatArgs, reply *BeatReply) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.beats++
	reply.Me = b.me
}

// Echo replies with the server's index.
func (b *Beat) Echo(args int, reply *int) { *reply = b.me }

// Kill stops the heartbeat loop and waits for it.
func (b *Beat) Kill() {
	b.dead.Store(true)
	<-b.done
}

// Beats returns the number of heartbeats received.
func (b *Beat) Beats() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.beats
}

func (b *Beat) loop() {
	defer close(b.done)
	for !b.dead.Load() {
		for i, e := range b.ends {
			if i != b.me {
				go e.Call("Beat.Heartbeat", &BeatArgs{From: b.me}, &BeatReply{})
			}
		}
		time.Sleep(b.period)
	}
}

// startBeat is the StartFunc of a Beat cluster. It bumps a counter in the
// Persister, so that restarts can be seen to keep state.
func startBeat(period time.Duration) func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*Beat, []any) {
	return func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*Beat, []any) {
		b := &Beat{me: me, ends: ends, p: p, done: make(chan struct{}), period: period}
		b.first = ends[me].Rand().Int64()
		p.Save(append(p.ReadRaftState(), byte(me)), nil)
		go b.loop()
		return b, []any{b}
	}
}

// Quiet is a toy server without goroutines: it only answers Echo.
type Quiet struct{ me int }

// Echo replies with the server's index.
func (q *Quiet) Echo(args int, reply *int) { *reply = q.me }

// Kill does nothing: a Quiet server has no goroutines.
func (q *Quiet) Kill() {}

func startQuiet(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*Quiet, []any) {
	q := &Quiet{me: me}
	return q, []any{q}
}

type persisterT = persister.Persister
