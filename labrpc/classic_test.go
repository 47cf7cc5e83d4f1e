package labrpc

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCallReturnsHandlersReply(t *testing.T) {
	both(t, func(t *testing.T) {
		_, e, es := setup(t)
		reply, ok := echo(e, 42)
		if !ok || reply.N != 42 || reply.Text != "42" {
			t.Fatalf("Call = %v, %+v; want true, {42 42}", ok, reply)
		}
		if got := es.Seen(); len(got) != 1 || got[0] != 42 {
			t.Fatalf("handler saw %v, want [42]", got)
		}
	})
}

func TestHandlersOfVariousTypes(t *testing.T) {
	virtual(t, func(t *testing.T) {
		_, e, _ := setup(t)
		var n int
		if !e.Call("EchoServer.Atoi", "9099", &n) || n != 9099 {
			t.Fatalf("Atoi(\"9099\") = %d", n)
		}
		var s string
		if !e.Call("EchoServer.Itoa", 111, &s) || s != "x111" {
			t.Fatalf("Itoa(111) = %q", s)
		}
		var r EchoReply
		if !e.Call("EchoServer.ByValue", EchoArgs{N: 4}, &r) || r.N != 8 {
			t.Fatalf("ByValue(4) = %+v", r)
		}
		r = EchoReply{}
		if !e.Call("EchoServer.ByValue", &EchoArgs{N: 5}, &r) || r.N != 10 {
			t.Fatalf("ByValue(&5) = %+v", r)
		}
	})
}

func TestArgumentsAndRepliesAreCopies(t *testing.T) {
	virtual(t, func(t *testing.T) {
		_, e, _ := setup(t)
		args := &EchoArgs{N: 3}
		reply := EchoReply{N: 99, Text: "stale"}
		if !e.Call("EchoServer.Mutate", args, &reply) {
			t.Fatal("Call failed on a reliable network")
		}
		if args.N != 3 {
			t.Fatalf("the handler's change to its argument reached the caller: args.N = %d", args.N)
		}
		if reply.N != 7 || reply.Text != "" {
			t.Fatalf("reply = %+v; want the handler's reply {7 \"\"} with no stale field", reply)
		}
	})
}

func TestDisabledEndFailsWithoutReachingServer(t *testing.T) {
	both(t, func(t *testing.T) {
		rn, e, es := setup(t)
		rn.Enable("e", false)
		start := time.Now()
		if _, ok := echo(e, 1); ok {
			t.Fatal("Call on a disabled end succeeded")
		}
		// 100 ms at most; the margin is for a loaded machine in real time.
		if d := time.Since(start); d > time.Second {
			t.Fatalf("a disabled call took %v, want at most 100 ms", d)
		}
		if len(es.Seen()) != 0 || rn.GetCount("s") != 0 {
			t.Fatal("a disabled end's request reached the server")
		}
		rn.Enable("e", true)
		if _, ok := echo(e, 2); !ok {
			t.Fatal("Call failed after re-enabling the end")
		}
	})
}

func TestUnconnectedEndAndMissingServerFail(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, _, _ := setup(t)
		lone := rn.MakeEnd("lone")
		rn.Enable("lone", true)
		if _, ok := echo(lone, 1); ok {
			t.Fatal("Call on an unconnected end succeeded")
		}
		rn.Connect("lone", "nobody")
		if _, ok := echo(lone, 1); ok {
			t.Fatal("Call to a server that does not exist succeeded")
		}
	})
}

func TestCountsCountCallsAndHandlerRuns(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		for i := 0; i < 17; i++ {
			if _, ok := echo(e, i); !ok {
				t.Fatal("Call failed on a reliable network")
			}
		}
		rn.Enable("e", false)
		echo(e, 0)
		if got := rn.GetCount("s"); got != 17 {
			t.Fatalf("GetCount = %d, want 17", got)
		}
		if got := rn.GetTotalCount(); got != 18 {
			t.Fatalf("GetTotalCount = %d, want 18 (disabled calls count too)", got)
		}
		if got := rn.GetCount("nobody"); got != 0 {
			t.Fatalf("GetCount of a missing server = %d", got)
		}
	})
}

func TestTotalBytesGrowWithArgumentSize(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		echo(e, 0) // the first message carries the type information
		b0 := rn.GetTotalBytes()
		big := string(make([]byte, 5000))
		var reply EchoReply
		if !e.Call("EchoServer.Echo", &EchoArgs{Text: big}, &reply) {
			t.Fatal("Call failed")
		}
		grew := rn.GetTotalBytes() - b0
		// The text crosses twice: in the request and in the echoing reply.
		if grew < 10000 || grew > 10100 {
			t.Fatalf("bytes grew by %d for a 5000-byte text echoed back, want about 10000", grew)
		}
		b1 := rn.GetTotalBytes()
		echo(e, 1)
		if small := rn.GetTotalBytes() - b1; small <= 0 || small > 40 {
			t.Fatalf("a small call cost %d bytes; want a handful once the type is known", small)
		}
	})
}

func TestManyConcurrentCallers(t *testing.T) {
	both(t, func(t *testing.T) {
		rn, _, es := setup(t)
		const callers, each = 20, 10
		var wg sync.WaitGroup
		errs := make(chan string, callers*each)
		for c := 0; c < callers; c++ {
			name := [2]int{c, 0}
			e := rn.MakeEnd(name)
			rn.Connect(name, "s")
			rn.Enable(name, true)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					n := c*100 + i
					if r, ok := echo(e, n); !ok || r.N != n {
						errs <- "wrong reply"
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Fatal(msg)
		}
		if got := len(es.Seen()); got != callers*each {
			t.Fatalf("server saw %d calls, want %d", got, callers*each)
		}
	})
}

func TestUnreliableNetworkLosesAboutTwentyPercent(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		rn.Reliable(false)
		const n = 1000
		ok := 0
		for i := 0; i < n; i++ {
			if _, good := echo(e, i); good {
				ok++
			}
		}
		// 10% of requests and 10% of replies: 81% succeed; the bounds are
		// about 5 standard deviations.
		if ok < 750 || ok > 870 {
			t.Fatalf("%d of %d calls succeeded, want about 810", ok, n)
		}
		// Requests are lost before the handler, replies after it.
		handled := rn.GetCount("s")
		if handled < 850 || handled > 950 {
			t.Fatalf("%d of %d requests reached the handler, want about 900", handled, n)
		}
	})
}

func TestDeletedServerFailsCallInFlight(t *testing.T) {
	both(t, func(t *testing.T) {
		rn, e, es := setup(t)
		res := callInHandler(e, es, 5)
		rn.DeleteServer("s")
		select {
		case ok := <-res:
			if ok {
				t.Fatal("a call to a deleted server succeeded")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a call to a deleted server is still waiting for its handler")
		}
		close(es.release) // the handler finishes now; its reply must go nowhere
	})
}

func TestReplacedServerNeverDeliversStaleReply(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, es := setup(t)
		es.entered = make(chan struct{}, 1)
		res := make(chan bool)
		var r int
		go func() {
			res <- e.Call("EchoServer.Block", 5, &r)
		}()
		<-es.entered
		fresh := &EchoServer{}
		srv := MakeServer()
		srv.AddService(MakeService(fresh))
		rn.AddServer("s", srv)
		if ok := <-res; ok || r != 0 {
			t.Fatalf("call to a replaced server = %v, reply %d; want false and an untouched reply", ok, r)
		}
		close(es.release)
		synctestWait()
		// The new server works and saw nothing of the old call.
		if reply, ok := echo(e, 8); !ok || reply.N != 8 {
			t.Fatal("call to the new server failed")
		}
		if got := fresh.Seen(); len(got) != 1 {
			t.Fatalf("new server saw %v, want only the new call", got)
		}
	})
}

func TestDisablingEndFailsCallInFlight(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, es := setup(t)
		res := callInHandler(e, es, 5)
		rn.Enable("e", false)
		if <-res {
			t.Fatal("a call whose end was disabled in flight succeeded")
		}
	})
}

// A call that was slow to fail while its end was disabled must not delay
// calls made after the end is enabled again.
func TestEnablingEndIsNotDelayedByEarlierFailingCall(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		rn.LongDelays(true)
		rn.Enable("e", false)
		go echo(e, 1) // fails after up to 7 s
		time.Sleep(time.Millisecond)
		rn.Enable("e", true)
		start := time.Now()
		if _, ok := echo(e, 2); !ok {
			t.Fatal("call after re-enabling failed")
		}
		if d := time.Since(start); d != 0 {
			t.Fatalf("call on a reliable network took %v of virtual time, want 0", d)
		}
	})
}

func TestCleanupFailsCallsInFlightAndLater(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, es := setup(t)
		res := callInHandler(e, es, 5)
		rn.Cleanup()
		if <-res {
			t.Fatal("call in flight at Cleanup succeeded")
		}
		if _, ok := echo(e, 1); ok {
			t.Fatal("call after Cleanup succeeded")
		}
	})
}

// A request still travelling when its server is replaced must not reach
// the successor, which would see a call meant for its predecessor.
func TestDelayedRequestNeverReachesReplacementServer(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, old := setup(t)
		rn.SetFaults(&Faults{RequestDelay: Constant(100 * time.Millisecond)})
		res := make(chan bool)
		go func() {
			_, ok := echo(e, 1)
			res <- ok
		}()
		time.Sleep(50 * time.Millisecond)
		fresh := &EchoServer{}
		srv := MakeServer()
		srv.AddService(MakeService(fresh))
		rn.AddServer("s", srv)
		if <-res {
			t.Fatal("a request sent to the old server succeeded after the replacement")
		}
		if len(fresh.Seen()) != 0 || len(old.Seen()) != 0 {
			t.Fatalf("the request reached a server: old %v, new %v", old.Seen(), fresh.Seen())
		}
	})
}

func TestBigMessagesAndSmallOnesShareALink(t *testing.T) {
	virtual(t, func(t *testing.T) {
		_, e, _ := setup(t)
		big := strings.Repeat("x", 1<<20)
		var r EchoReply
		if !e.Call("EchoServer.Echo", &EchoArgs{N: 1, Text: big}, &r) || r.Text != big {
			t.Fatal("a 1 MB echo failed")
		}
		for i := 0; i < 3; i++ {
			if reply, ok := echo(e, i); !ok || reply.N != i {
				t.Fatalf("small call %d after a big one = %v, %+v", i, ok, reply)
			}
		}
	})
}

func TestClassicTimingsMatchTheDocumentedRanges(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		measure := func(n int) (lo, hi, mean time.Duration) {
			lo = time.Hour
			var total time.Duration
			for i := 0; i < n; i++ {
				start := time.Now()
				echo(e, i)
				d := time.Since(start)
				lo, hi, total = min(lo, d), max(hi, d), total+d
			}
			return lo, hi, total / time.Duration(n)
		}
		rn.Reliable(false)
		if _, hi, _ := measure(300); hi >= 27*time.Millisecond {
			t.Errorf("an unreliable call took %v, want under 27ms", hi)
		}
		rn.Reliable(true)
		rn.Enable("e", false)
		if _, hi, mean := measure(300); hi >= 100*time.Millisecond || mean < 35*time.Millisecond || mean > 65*time.Millisecond {
			t.Errorf("disabled calls took up to %v, mean %v; want under 100ms, mean about 50ms", hi, mean)
		}
		rn.LongDelays(true)
		if _, hi, mean := measure(300); hi >= 7*time.Second || mean < 3*time.Second || mean > 4*time.Second {
			t.Errorf("disabled calls with long delays took up to %v, mean %v; want under 7s, mean about 3.5s", hi, mean)
		}
		rn.LongDelays(false)
		rn.Enable("e", true)
		rn.LongReordering(true)
		lo, hi, _ := measure(300)
		if lo != 0 || hi < 200*time.Millisecond || hi > 2200*time.Millisecond {
			t.Errorf("with long reordering calls took %v to %v; want some at once and the rest 200ms to 2.2s", lo, hi)
		}
	})
}
