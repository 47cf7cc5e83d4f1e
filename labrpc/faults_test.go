package labrpc

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an Observer that keeps every message.
type recorder struct {
	mu   sync.Mutex
	msgs []Message
}

func (r *recorder) observe(m *Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, *m)
}

// decisions returns the fate and delay of each message on the link from
// end, in order.
func (r *recorder) decisions(end interface{}) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		if m.End == end {
			out = append(out, fmt.Sprintf("%v %v %v", m.Kind, m.Fate, m.Delay))
		}
	}
	return out
}

func addEnd(rn *Network, name, server interface{}) *ClientEnd {
	e := rn.MakeEnd(name)
	rn.Connect(name, server)
	rn.Enable(name, true)
	return e
}

// faultyRun makes n calls on end "a" with the classic unreliable,
// reordering network and, if interleave, one call on end "b" after each;
// it returns the decisions seen on "a".
func faultyRun(t *testing.T, seed int64, n int, interleave bool) []string {
	var got []string
	virtual(t, func(t *testing.T) {
		rn, _, _ := setup(t)
		rn.SetSeed(seed)
		rn.Reliable(false)
		rn.LongReordering(true)
		rec := &recorder{}
		rn.SetObserver(rec.observe)
		a, b := addEnd(rn, "a", "s"), addEnd(rn, "b", "s")
		for i := 0; i < n; i++ {
			echo(a, i)
			if interleave {
				echo(b, i)
			}
		}
		got = rec.decisions("a")
	})
	return got
}

func TestSameSeedGivesSameDecisionsOnALink(t *testing.T) {
	first := faultyRun(t, 42, 60, false)
	again := faultyRun(t, 42, 60, false)
	if strings.Join(first, "\n") != strings.Join(again, "\n") {
		t.Fatalf("same seed, same calls, different decisions:\n%v\n%v", first, again)
	}
	other := faultyRun(t, 43, 60, false)
	if strings.Join(first, "\n") == strings.Join(other, "\n") {
		t.Fatal("seeds 42 and 43 gave identical decisions for 60 unreliable calls")
	}
}

func TestTrafficOnOneLinkDoesNotShiftAnothersDecisions(t *testing.T) {
	alone := faultyRun(t, 7, 60, false)
	mixed := faultyRun(t, 7, 60, true)
	if strings.Join(alone, "\n") != strings.Join(mixed, "\n") {
		t.Fatalf("calls on link b changed link a's decisions:\nalone %v\nmixed %v", alone, mixed)
	}
}

func TestDuplicateDeliveryRunsHandlerTwiceCallerSeesOneReply(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, es := setup(t)
		rn.SetFaults(&Faults{Duplicate: 1})
		rec := &recorder{}
		rn.SetObserver(rec.observe)
		reply, ok := echo(e, 5)
		if !ok || reply.N != 5 {
			t.Fatalf("Call = %v, %+v", ok, reply)
		}
		synctestWait() // let the duplicate finish
		if got := es.Seen(); len(got) != 2 || got[0] != 5 || got[1] != 5 {
			t.Fatalf("handler saw %v, want [5 5]", got)
		}
		if rn.GetCount("s") != 2 {
			t.Fatalf("GetCount = %d, want 2", rn.GetCount("s"))
		}
		if d := rec.decisions("e"); len(d) != 2 || !strings.HasPrefix(d[0], "request duplicated") ||
			!strings.HasPrefix(d[1], "reply delivered") {
			t.Fatalf("observer saw %v, want a duplicated request and one delivered reply", d)
		}
	})
}

func TestFaultDropRatesMatchSettings(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		rn.SetFaults(&Faults{DropRequest: 0.3, DropReply: 0.5})
		const n = 2000
		ok := 0
		for i := 0; i < n; i++ {
			if _, good := echo(e, i); good {
				ok++
			}
		}
		handled := rn.GetCount("s")
		// 70% handled, 35% succeed; bounds about 5 standard deviations.
		if handled < 1300 || handled > 1500 {
			t.Fatalf("%d of %d requests handled, want about 1400", handled, n)
		}
		if ok < 600 || ok > 800 {
			t.Fatalf("%d of %d calls succeeded, want about 700", ok, n)
		}
	})
}

func TestLatencyDistributionsDelayCallsInVirtualTime(t *testing.T) {
	cases := []struct {
		lat      Latency
		min, max time.Duration // of one call (request and reply delayed)
		mean     time.Duration // expected mean of one call, 0: not checked
	}{
		{Constant(50 * time.Millisecond), 100 * time.Millisecond, 100 * time.Millisecond, 0},
		{Uniform(10*time.Millisecond, 20*time.Millisecond), 20 * time.Millisecond, 40 * time.Millisecond, 30 * time.Millisecond},
		{Exponential(20 * time.Millisecond), 0, time.Hour, 40 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.lat.String(), func(t *testing.T) {
			virtual(t, func(t *testing.T) {
				rn, e, _ := setup(t)
				rn.SetFaults(&Faults{RequestDelay: tc.lat, ReplyDelay: tc.lat})
				const n = 400
				var total time.Duration
				for i := 0; i < n; i++ {
					start := time.Now()
					if _, ok := echo(e, i); !ok {
						t.Fatal("call failed without drops")
					}
					d := time.Since(start)
					if d < tc.min || d > tc.max {
						t.Fatalf("call took %v, want within [%v, %v]", d, tc.min, tc.max)
					}
					total += d
				}
				if tc.mean != 0 {
					mean := total / n
					if math.Abs(float64(mean-tc.mean)) > 0.15*float64(tc.mean) {
						t.Fatalf("mean call time %v, want about %v", mean, tc.mean)
					}
				}
			})
		})
	}
}

func TestLinkFaultsOverrideEndFaultsOverrideNetworkFaults(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, _, _ := setup(t)
		a, b, c := addEnd(rn, "a", "s"), addEnd(rn, "b", "s"), addEnd(rn, "c", "s")
		rn.SetFaults(&Faults{RequestDelay: Constant(time.Second)})
		rn.SetEndFaults("b", &Faults{RequestDelay: Constant(2 * time.Second)})
		rn.SetEndFaults("c", &Faults{RequestDelay: Constant(2 * time.Second)})
		rn.SetLinkFaults("c", "s", &Faults{RequestDelay: Constant(3 * time.Second)})
		for i, e := range []*ClientEnd{a, b, c} {
			start := time.Now()
			echo(e, 0)
			if d, want := time.Since(start), time.Duration(i+1)*time.Second; d != want {
				t.Errorf("end %d: call took %v, want %v", i, d, want)
			}
		}
		rn.SetLinkFaults("c", "s", nil)
		rn.SetEndFaults("c", nil)
		rn.SetFaults(nil)
		start := time.Now()
		echo(c, 0)
		if d := time.Since(start); d != 0 {
			t.Errorf("after removing all faults a call took %v on a reliable network", d)
		}
	})
}

// A one-way partition: A cannot reach B, but B still reaches A.
func TestOneWayPartitionCutsOnlyOneDirection(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn := MakeNetwork()
		defer rn.Cleanup()
		for _, s := range []string{"A", "B"} {
			srv := MakeServer()
			srv.AddService(MakeService(&EchoServer{}))
			rn.AddServer(s, srv)
		}
		aToB, bToA := addEnd(rn, "A->B", "B"), addEnd(rn, "B->A", "A")
		rn.Enable("A->B", false)
		if _, ok := echo(aToB, 1); ok {
			t.Fatal("A reached B across the cut direction")
		}
		if _, ok := echo(bToA, 2); !ok {
			t.Fatal("B could not reach A, though only A->B is cut")
		}
		if rn.GetCount("B") != 0 || rn.GetCount("A") != 1 {
			t.Fatalf("counts A=%d B=%d, want 1 and 0", rn.GetCount("A"), rn.GetCount("B"))
		}
	})
}

func TestObserverSeesEveryMessageWithItsFate(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		rec := &recorder{}
		rn.SetObserver(rec.observe)
		start := time.Now()
		echo(e, 1)
		rn.Enable("e", false)
		echo(e, 2)
		rn.Enable("e", true)
		rn.DeleteServer("s")
		echo(e, 3)
		want := []struct {
			kind Kind
			fate Fate
		}{{Request, Delivered}, {Reply, Delivered}, {Request, Disabled}, {Request, NoServer}}
		if len(rec.msgs) != len(want) {
			t.Fatalf("observer saw %d messages, want %d: %v", len(rec.msgs), len(want), rec.msgs)
		}
		for i, w := range want {
			m := rec.msgs[i]
			if m.Kind != w.kind || m.Fate != w.fate || m.End != "e" || m.Method != "EchoServer.Echo" {
				t.Errorf("message %d = %v, want %v %v", i, &m, w.kind, w.fate)
			}
			if m.Time.Before(start) {
				t.Errorf("message %d has time %v before the test started", i, m.Time)
			}
		}
		if rec.msgs[0].Call != rec.msgs[1].Call || rec.msgs[1].Call == rec.msgs[2].Call {
			t.Errorf("call numbers %d %d %d: a request and its reply must share one", rec.msgs[0].Call, rec.msgs[1].Call, rec.msgs[2].Call)
		}
		if rec.msgs[0].Server != "s" || rec.msgs[0].Bytes <= 0 || rec.msgs[1].Bytes <= 0 {
			t.Errorf("first request %v: want server s and a positive size", &rec.msgs[0])
		}
		if rec.msgs[2].Bytes != 0 {
			t.Errorf("a disabled request was never encoded, but has %d bytes", rec.msgs[2].Bytes)
		}
	})
}

func TestObserverSeesCallsFailedInFlight(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, es := setup(t)
		rec := &recorder{}
		rn.SetObserver(rec.observe)
		done := callInHandler(e, es, 1)
		rn.DeleteServer("s")
		<-done
		if d := rec.decisions("e"); len(d) != 2 || d[1] != "reply server-dead 0s" {
			t.Fatalf("observer saw %v, want the request and a server-dead reply", d)
		}
	})
}

func TestObserverCanDropOrDelayMessages(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		rn.SetObserver(func(m *Message) {
			switch {
			case m.Kind == Request && m.Call == 1:
				m.Fate = Dropped
			case m.Kind == Reply && m.Call == 2:
				m.Delay = 300 * time.Millisecond
			}
		})
		if _, ok := echo(e, 1); ok {
			t.Fatal("the observer dropped the request, but the call succeeded")
		}
		if rn.GetCount("s") != 0 {
			t.Fatal("a request the observer dropped reached the handler")
		}
		start := time.Now()
		if _, ok := echo(e, 2); !ok {
			t.Fatal("delayed call failed")
		}
		if d := time.Since(start); d != 300*time.Millisecond {
			t.Fatalf("delayed call took %v, want 300ms", d)
		}
	})
}

func TestLongReorderingDelaysRepliesInVirtualTime(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		rn.LongReordering(true)
		wall := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var order []int
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r, ok := echo(e, i); ok {
					mu.Lock()
					order = append(order, r.N)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if time.Since(wall) < 200*time.Millisecond {
			t.Fatalf("virtual time advanced only %v; long reordering delays replies by at least 200ms", time.Since(wall))
		}
		inOrder := true
		for i := 1; i < len(order); i++ {
			inOrder = inOrder && order[i] > order[i-1]
		}
		if len(order) != 30 || inOrder {
			t.Fatalf("replies %v: want all 30, not in call order", order)
		}
	})
}

// workers counts the goroutines running labrpc's handler workers.
func workers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "labrpc.(*Network).work(")
}

func TestNoGoroutineOutlivesCleanup(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, _, _ := setup(t)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			e := addEnd(rn, i, "s")
			wg.Add(1)
			go func() {
				defer wg.Done()
				var r int
				e.Call("EchoServer.Sleep", 10, &r)
			}()
		}
		wg.Wait()
		if workers() == 0 {
			t.Fatal("expected idle workers before Cleanup")
		}
		start := time.Now()
		rn.Cleanup()
		synctestWait()
		if n := workers(); n != 0 {
			t.Fatalf("%d workers still exist after Cleanup", n)
		}
		if time.Since(start) != 0 {
			t.Fatal("workers needed time to end after Cleanup")
		}
	})
}

func TestIdleNetworkKeepsNoGoroutines(t *testing.T) {
	virtual(t, func(t *testing.T) {
		_, e, _ := setup(t)
		for i := 0; i < 5; i++ {
			echo(e, i)
		}
		time.Sleep(2*workerIdle + time.Millisecond)
		synctestWait()
		if n := workers(); n != 0 {
			t.Fatalf("%d workers remain after %v without calls", n, 2*workerIdle)
		}
		if _, ok := echo(e, 9); !ok {
			t.Fatal("call after the workers ended failed")
		}
	})
}

func TestStatsCountMessagesAsTheObserverSeesThem(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		rec := &recorder{}
		rn.SetObserver(rec.observe)
		rn.Reliable(false)
		for i := 0; i < 300; i++ {
			echo(e, i)
		}
		rn.Enable("e", false)
		echo(e, 0)
		want := Stats{Calls: 301, Bytes: rn.GetTotalBytes(), Requests: map[Fate]int{}, Replies: map[Fate]int{}}
		for _, m := range rec.msgs {
			if m.Kind == Request {
				want.Requests[m.Fate]++
			} else {
				want.Replies[m.Fate]++
			}
		}
		got := rn.Stats()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Stats = %+v\nobserver counted %+v", got, want)
		}
		if got.Requests[Dropped] == 0 || got.Replies[Dropped] == 0 || got.Requests[Disabled] != 1 {
			t.Fatalf("Stats = %+v: want some dropped requests and replies and one disabled request", got)
		}
	})
}
