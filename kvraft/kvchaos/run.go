package kvchaos

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"distlab/kvraft"
	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
	"distlab/porcupine"
	"distlab/porcupine/models"
)

// Summary is what one chaos run did and how it was judged.
type Summary struct {
	Seed    int64
	Servers int
	Clients int
	// Ops is the number of operations recorded; Pending of them never
	// returned (their clients were stopped by a liveness failure).
	Ops, Pending int
	// Faults counts the faults the nemesis injected, by kind (partition,
	// crash, disconnect, cut, and the network modes); Restarts and heals
	// are not faults.
	Faults map[string]int
	// Verdict is porcupine's: Ok, Illegal (a linearizability violation)
	// or Unknown (the check ran out of time).
	Verdict porcupine.CheckResult
	// Live is false if some client did not finish within Config.Recovery
	// after the cluster healed.
	Live      bool
	CheckTime time.Duration // real time the linearizability check took
	Virtual   time.Duration // the run's length on the test's clock
	Wall      time.Duration // the run's length in real time, check included
	Report    string        // path of report.html, if written
}

// FaultCount returns the total number of faults injected.
func (s Summary) FaultCount() int {
	n := 0
	for _, k := range s.Faults {
		n += k
	}
	return n
}

// OK reports whether the run found neither a violation nor a liveness
// failure.
func (s Summary) OK() bool { return s.Live && s.Verdict != porcupine.Illegal }

// Run runs one chaos run as the body of a labtest test (inside labtest.Run
// or labtest.Main) and returns its Summary. A linearizability violation or
// a liveness failure fails t; a bad cfg fails it at once.
func Run(t *testing.T, cfg Config) Summary {
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	wallStart := wallNow()
	w := labtest.WorldOf(t)
	c := labtest.NewCluster(t, cfg.Servers, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*kvraft.KVServer, []any) {
		kv := kvraft.StartKVServer(ends, me, p, cfg.MaxRaftState)
		return kv, []any{kv, kv.Raft()}
	})
	c.Reliable(!cfg.Unreliable)
	h := w.History()
	h.SetModel("kv", models.KvModel)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	clerks := make([]*kvraft.Clerk, cfg.Clients)
	for i := range clerks {
		cl := c.MakeClient()
		ck := kvraft.MakeClerk(cl.Ends())
		clerks[i] = ck
		wg.Add(1)
		go func() {
			defer wg.Done()
			client(h, cl.ID(), ck, cl.Rand(), cfg, stop)
		}()
	}

	var nem *labtest.Nemesis
	if cfg.Schedule != nil {
		nem = c.Apply(cfg.Schedule)
	} else {
		nem = c.StartNemesis(cfg.Nemesis)
	}
	time.Sleep(cfg.Duration)
	nem.Stop()
	close(stop)

	// Liveness: once healed, every client finishes its operation and a
	// new client writes and reads, all within cfg.Recovery.
	live := true
	finished := make(chan struct{})
	cl := c.MakeClient()
	ck := kvraft.MakeClerk(cl.Ends())
	go func() {
		defer close(finished)
		wg.Wait()
		labtest.Record(h, cl.ID(), models.KvInput{Op: models.OpPut, Key: "probe", Value: "healed"},
			func() models.KvOutput { ck.Put("probe", "healed"); return models.KvOutput{} })
		got := labtest.Record(h, cl.ID(), models.KvInput{Op: models.OpGet, Key: "probe"},
			func() models.KvOutput { return models.KvOutput{Value: ck.Get("probe")} })
		if got.Value != "healed" && !ck.Closed() {
			t.Errorf("kvchaos: after healing, a new client put %q and read back %q", "healed", got.Value)
		}
	}()
	select {
	case <-finished:
	case <-time.After(cfg.Recovery):
		live = false
		t.Errorf("kvchaos: liveness: the cluster had not served every client %v after it healed", cfg.Recovery)
		for _, ck := range clerks {
			ck.Close()
		}
		ck.Close()
		<-finished
	}

	s := Summary{Seed: w.Seed(), Servers: cfg.Servers, Clients: cfg.Clients, Live: live,
		Faults: faults(w.Schedule()), Virtual: w.Now()}
	ops := h.Operations()
	s.Ops = len(ops)
	for _, op := range ops {
		if op.Pending() {
			s.Pending++
		}
	}
	checkStart := wallNow()
	res, info := porcupine.CheckOperationsVerbose(models.KvModel, ops, 0)
	s.CheckTime = wallNow().Sub(checkStart)
	s.Verdict = res
	if res == porcupine.Illegal {
		// labtest fails the test and writes the artefacts, with the
		// faults drawn on the history.
		h.Check(models.KvModel, 0)
	}
	if cfg.ReportDir != "" {
		path, err := writeReport(cfg.ReportDir, w, info, s)
		if err != nil {
			t.Errorf("kvchaos: writing the report: %v", err)
		}
		s.Report = path
	}
	s.Wall = wallNow().Sub(wallStart)
	return s
}

// client runs one client until stop is closed: random Gets, Puts and
// Appends on cfg.Keys shared keys, each value unique, each operation
// recorded. An operation cut short by Clerk.Close stays pending.
func client(h *labtest.History, id int, ck *kvraft.Clerk, r *rand.Rand, cfg Config, stop <-chan struct{}) {
	for j := 0; ; j++ {
		select {
		case <-stop:
			return
		default:
		}
		key := fmt.Sprintf("k%d", r.IntN(cfg.Keys))
		value := fmt.Sprintf("[%d.%d]", id, j)
		var in models.KvInput
		var do func() string
		switch p := r.IntN(10); {
		case p < 5:
			in, do = models.KvInput{Op: models.OpGet, Key: key}, func() string { return ck.Get(key) }
		case p < 7:
			in, do = models.KvInput{Op: models.OpPut, Key: key, Value: value}, func() string { ck.Put(key, value); return "" }
		default:
			in, do = models.KvInput{Op: models.OpAppend, Key: key, Value: value}, func() string { ck.Append(key, value); return "" }
		}
		op := h.Begin(id, in)
		out := do()
		if ck.Closed() {
			return // abandoned: the operation stays pending
		}
		op.End(models.KvOutput{Value: out})
		if cfg.Think > 0 {
			time.Sleep(time.Duration(r.Int64N(int64(2 * cfg.Think))))
		}
	}
}

// faults counts the faults a nemesis injected, by kind.
func faults(s *labtest.Schedule) map[string]int {
	n := map[string]int{}
	for _, e := range s.Events {
		if e.By != labtest.ByNemesis && e.By != labtest.BySchedule {
			continue
		}
		switch e.Kind {
		case labtest.KindRestart, labtest.KindConnect, labtest.KindHeal:
			continue
		case labtest.KindReliable, labtest.KindLongReordering, labtest.KindLongDelays:
			if e.Kind == labtest.KindReliable && e.On || e.Kind != labtest.KindReliable && !e.On {
				continue // a mode back to normal is a repair
			}
		}
		n[e.Kind]++
	}
	return n
}
