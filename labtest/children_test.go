package labtest_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"distlab/lablog"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/porcupine"
)

func passingBody(t *testing.T) {
	c := labtest.NewCluster(t, 3, startBeat(100*time.Millisecond))
	time.Sleep(time.Second)
	c.Crash(1)
	c.Restart(1)
}

// leakySleeper never checks whether it should stop.
func leakySleeper() {
	for {
		time.Sleep(time.Second)
	}
}

func leakSleeperBody(t *testing.T) {
	go leakySleeper()
}

// leakyWaiter waits for a message that never comes.
func leakyWaiter(ch chan int) { <-ch }

func leakBlockedBody(t *testing.T) {
	go leakyWaiter(make(chan int))
}

// Reg is a deliberately wrong replicated register: a write is applied at
// once on the server that receives it and only 50 ms later on the others,
// and reads are served by any server. A read that follows a write on
// another server returns the old value: not linearizable.
type Reg struct {
	mu    sync.Mutex
	me    int
	value int
	ends  []*labrpc.ClientEnd
	dead  atomic.Bool
	wg    sync.WaitGroup
}

// Write sets the value here and, later, everywhere else.
func (r *Reg) Write(v int, reply *int) {
	r.mu.Lock()
	r.value = v
	r.mu.Unlock()
	if r.dead.Load() {
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		time.Sleep(50 * time.Millisecond)
		for i, e := range r.ends {
			if i != r.me && !r.dead.Load() {
				e.Call("Reg.Set", v, new(int))
			}
		}
	}()
}

// Set is the lazy propagation of a write.
func (r *Reg) Set(v int, reply *int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.value = v
}

// Read returns the value here.
func (r *Reg) Read(args int, reply *int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*reply = r.value
}

// Kill waits for the propagations in flight.
func (r *Reg) Kill() {
	r.dead.Store(true)
	r.wg.Wait()
}

// RegInput is the input of a register operation.
type RegInput struct {
	Write bool
	Value int
}

var regModel = porcupine.Model{
	Init: func() any { return 0 },
	Step: func(state, input, output any) (bool, any) {
		in := input.(RegInput)
		if in.Write {
			return true, in.Value
		}
		return output == nil || output.(int) == state.(int), state
	},
	DescribeOperation: func(input, output any) string {
		in := input.(RegInput)
		if in.Write {
			return fmt.Sprintf("write(%d)", in.Value)
		}
		return fmt.Sprintf("read() -> %v", output)
	},
}

func buggyRegisterBody(t *testing.T) {
	w := labtest.WorldOf(t)
	c := labtest.NewCluster(t, 3, func(ends []*labrpc.ClientEnd, me int, p *persisterT) (*Reg, []any) {
		r := &Reg{me: me, ends: ends}
		return r, []any{r}
	})
	h := w.History()
	h.SetModel("register", regModel)
	nem := c.StartNemesis(labtest.NemesisConfig{Interval: 200 * time.Millisecond, Rates: map[string]float64{"crash": 1, "restart": 1, "partition": 1}})
	var wg sync.WaitGroup
	for k := 0; k < 3; k++ {
		cl := c.MakeClient()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := cl.Rand()
			for i := 0; i < 50; i++ {
				s := r.IntN(3)
				in := RegInput{Write: r.IntN(2) == 0, Value: 1000*cl.ID() + i}
				op := h.Begin(cl.ID(), in)
				var reply int
				if in.Write {
					if cl.Ends()[s].Call("Reg.Write", in.Value, &reply) {
						op.End(nil)
					}
				} else if cl.Ends()[s].Call("Reg.Read", 0, &reply) {
					op.End(reply)
				}
				time.Sleep(time.Duration(r.IntN(60)) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	nem.Stop()
	h.Check(regModel, 0)
}

// loggedBody logs through lablog, as a peer does, and fails.
func loggedBody(t *testing.T) {
	time.Sleep(1500 * time.Millisecond)
	lablog.For(2).Printf("TEST", "hello from S%d", 2)
	t.Error("deliberate failure")
}

// unfinishedBody records a history with a model and fails before checking
// it.
func unfinishedBody(t *testing.T) {
	h := labtest.WorldOf(t).History()
	h.SetModel("register", regModel)
	labtest.Record(h, 0, RegInput{Write: true, Value: 1}, func() any { return nil })
	op := h.Begin(1, RegInput{Value: 0})
	_ = op // never ends: pending
	t.Fatal("gave up waiting")
}

// waitForever waits for a message that never comes: a deadlock.
func waitForever(ch chan int) { <-ch }

// pollForever waits for a condition that never holds, sleeping between
// polls: virtual time runs on for ever.
func pollForever(cond func() bool) {
	for !cond() {
		time.Sleep(100 * time.Millisecond)
	}
}

func stuckBody(t *testing.T) {
	labtest.NewCluster(t, 3, startBeat(100*time.Millisecond))
	waitForever(make(chan int))
}

func spinningBody(t *testing.T) {
	labtest.NewCluster(t, 3, startBeat(100*time.Millisecond))
	pollForever(func() bool { return false })
}
