package labrpc

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// GenServer replies with the generation of the server instance, and
// whether the instance had been deleted or replaced when the handler
// returned.
type GenServer struct {
	gen  int64
	dead atomic.Bool // set after the network let go of the instance
}

type GenReply struct {
	Gen  int64
	Dead bool
}

func (g *GenServer) Gen(args int, reply *GenReply) {
	time.Sleep(time.Duration(args) * time.Millisecond)
	reply.Gen = g.gen
	reply.Dead = g.dead.Load()
}

// Under a storm of partitions, crashes, replacements and fault changes,
// every call ends, the network ends cleanly, the counts add up, no call
// succeeds with the reply of a server that had already been replaced when
// the call started, and none with the reply of a handler that returned
// after its server was deleted or replaced.
func TestChaosKeepsInvariants(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn := MakeNetwork()
		rn.SetSeed(99)
		const servers, callers = 3, 6
		var gens [servers]atomic.Int64
		var current [servers]*GenServer // only the chaos goroutine touches it
		kill := func(s int) {
			if current[s] != nil {
				current[s].dead.Store(true)
				current[s] = nil
			}
		}
		replace := func(s int) {
			g := gens[s].Add(1)
			gs := &GenServer{gen: g}
			srv := MakeServer()
			srv.AddService(MakeService(gs))
			rn.AddServer(s, srv)
			kill(s)
			current[s] = gs
		}
		for s := 0; s < servers; s++ {
			replace(s)
		}
		var calls atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := 0; c < callers; c++ {
			s := c % servers
			e := addEnd(rn, c, s)
			r := rand.New(rand.NewPCG(uint64(c), 1))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					startGen := gens[s].Load()
					var reply GenReply
					calls.Add(1)
					if !e.Call("GenServer.Gen", r.IntN(30), &reply) {
						continue
					}
					if reply.Gen < startGen {
						t.Errorf("call to server %d started at generation %d got a reply from generation %d", s, startGen, reply.Gen)
					}
					if reply.Dead {
						t.Errorf("call to server %d succeeded with the reply of generation %d, deleted before its handler returned", s, reply.Gen)
					}
				}
			}()
		}
		r := rand.New(rand.NewPCG(7, 7))
		for i := 0; i < 300; i++ {
			time.Sleep(time.Duration(r.IntN(40)) * time.Millisecond)
			switch r.IntN(6) {
			case 0:
				rn.Enable(r.IntN(callers), r.IntN(2) == 0)
			case 1:
				replace(r.IntN(servers))
			case 2:
				s := r.IntN(servers)
				gens[s].Add(1) // a deleted server's replies are as stale as a replaced one's
				rn.DeleteServer(s)
				kill(s)
			case 3:
				rn.Reliable(r.IntN(2) == 0)
			case 4:
				rn.SetFaults(&Faults{DropRequest: 0.2, DropReply: 0.2, Duplicate: 0.2,
					RequestDelay: Exponential(5 * time.Millisecond)})
			case 5:
				rn.SetFaults(nil)
				rn.LongReordering(r.IntN(2) == 0)
			}
		}
		close(stop)
		wg.Wait()
		if got := int64(rn.GetTotalCount()); got != calls.Load() {
			t.Errorf("GetTotalCount = %d, callers made %d calls", got, calls.Load())
		}
		rn.Cleanup()
		synctestWait()
		if n := workers(); n != 0 {
			t.Errorf("%d workers left after Cleanup", n)
		}
	})
}
