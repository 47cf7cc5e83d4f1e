package chaos_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/persister"
	"distlab/porcupine/models"
)

// The toy lab is a register on server 0 of a cluster, which persists each
// write before it answers; clients retry a call until it goes through. It
// is linearizable under every fault, unless its flags break it:
//
//	-stale    reads go to any server, which learns writes 50 ms late
//	-deaf     the liveness probe never succeeds
//	-violate  the invariant hook reports a violation
func init() {
	chaos.Register(chaos.Lab{
		Name:       "toy",
		Summary:    "a toy register, for the chaos layer's own tests",
		Defaults:   chaos.Config{Servers: 3, Duration: 2 * time.Second},
		Model:      &models.RegisterModel,
		ModelName:  models.RegisterModelName,
		Invariants: "the toy invariant",
		Setup: func(fs *flag.FlagSet) chaos.Start {
			stale := fs.Bool("stale", false, "serve reads from any server, which learns writes late")
			deaf := fs.Bool("deaf", false, "never pass the liveness probe")
			violate := fs.Bool("violate", false, "report an invariant violation")
			return func(t *testing.T, cfg chaos.Config) chaos.Service {
				return startToy(t, cfg, *stale, *deaf, *violate)
			}
		},
	})
}

// Reg is one server of the toy register.
//
// A write's value names its client and sequence number (client*1e6 + seq),
// and a server applies a client's writes in increasing order only: a retried
// write whose first try went through (its reply lost), or a duplicate
// delivered late, must not take effect twice, or a later write by another
// client would be undone and the register would not be linearizable.
type Reg struct {
	mu    sync.Mutex
	me    int
	value int
	last  map[int]int // client -> highest sequence number written; persisted with value
	p     *persister.Persister
	ends  []*labrpc.ClientEnd
	stale bool
	dead  atomic.Bool
	wg    sync.WaitGroup
}

// Write sets the value and persists it; with -stale it reaches the other
// servers 50 ms later.
func (r *Reg) Write(v int, reply *int) {
	r.mu.Lock()
	client, seq := v/1_000_000, v%1_000_000
	fresh := seq > r.last[client]
	if fresh {
		r.last[client] = seq
		r.value = v
		r.save()
	}
	r.mu.Unlock()
	if !fresh || !r.stale || r.dead.Load() {
		return
	}
	if !r.stale || r.dead.Load() {
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

// Set sets the value here (the -stale propagation; no order is kept).
func (r *Reg) Set(v int, reply *int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.value = v
	r.save()
}

// save persists the value and the sequence numbers; r.mu is held.
func (r *Reg) save() {
	b, _ := json.Marshal(regState{r.value, r.last})
	r.p.Save(b, nil)
}

// regState is what a Reg persists.
type regState struct {
	Value int
	Last  map[int]int
}

// Read returns the value here.
func (r *Reg) Read(_ int, reply *int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*reply = r.value
}

// Kill waits for the propagations in flight.
func (r *Reg) Kill() {
	r.dead.Store(true)
	r.wg.Wait()
}

func startToy(t *testing.T, cfg chaos.Config, stale, deaf, violate bool) chaos.Service {
	c := labtest.NewCluster(t, cfg.Servers, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*Reg, []any) {
		st := regState{Last: map[int]int{}}
		if b := p.ReadRaftState(); len(b) > 0 {
			if err := json.Unmarshal(b, &st); err != nil {
				t.Errorf("toy server %d: its persisted state does not decode: %v", me, err)
			}
		}
		r := &Reg{me: me, value: st.Value, last: st.Last, p: p, ends: ends, stale: stale}
		return r, []any{r}
	})
	// op calls server i (or a random one) until the call goes through or
	// ctx ends.
	op := func(ctx context.Context, ends []*labrpc.ClientEnd, r *rand.Rand, in models.RegisterInput) chaos.Op {
		return chaos.Op{Input: in, Do: func() (any, bool) {
			for ctx.Err() == nil {
				e, meth, reply := ends[0], "Reg.Read", 0
				if in.Op == models.RegisterWrite {
					meth = "Reg.Write"
				} else if stale {
					e = ends[r.IntN(len(ends))]
				}
				if e.Call(meth, in.Value, &reply) {
					return models.RegisterOutput{Value: reply}, true
				}
				time.Sleep(10 * time.Millisecond)
			}
			return nil, false
		}}
	}
	probes := 0
	svc := chaos.Service{
		Clusters: []chaos.Faultable{c},
		Client: func(ctx context.Context, id int, r *rand.Rand) func() chaos.Op {
			ends, j := c.MakeClient().Ends(), 0
			return func() chaos.Op {
				j++
				in := models.RegisterInput{Op: models.RegisterRead}
				if r.IntN(2) == 0 {
					in = models.RegisterInput{Op: models.RegisterWrite, Value: (id+1)*1_000_000 + j}
				}
				return op(ctx, ends, r, in)
			}
		},
		Probe: func(ctx context.Context, do func(chaos.Op) (any, bool)) error {
			if deaf {
				<-ctx.Done()
				return errors.New("the toy is deaf")
			}
			probes++ // the probe is client 0: each of its writes is a new one
			if _, ok := do(op(ctx, c.MakeClient().Ends(), nil, models.RegisterInput{Op: models.RegisterWrite, Value: probes})); !ok {
				return errors.New("a write did not return")
			}
			return nil
		},
	}
	if violate {
		svc.Violations = func() []string { return []string{"the toy invariant is broken"} }
	} else {
		svc.Violations = func() []string { return nil }
	}
	return svc
}
