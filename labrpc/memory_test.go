package labrpc

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// heapMiB is the live heap after a full collection, in MiB.
func heapMiB() float64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// The classic memory tests measure the heap after GC with the network
// still alive: a link must not keep a big message's bytes (in its buffer
// or in its gob encoder's and decoder's) once the message is delivered.
func TestDeliveredMessagesLeaveNoBytesBehind(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, _ := setup(t)
		if _, ok := echo(e, 0); !ok { // the link's streams and type information exist
			t.Fatal("warm-up call failed")
		}
		base := heapMiB()
		big := strings.Repeat("x", 10<<20)
		var r EchoReply
		if !e.Call("EchoServer.Echo", &EchoArgs{N: 1, Text: big}, &r) || len(r.Text) != len(big) {
			t.Fatal("a 10 MiB echo failed")
		}
		big, r = "", EchoReply{}
		after := heapMiB()
		if reply, ok := echo(e, 2); !ok || reply.N != 2 {
			t.Fatal("a small call after the big one failed")
		}
		later := heapMiB()
		t.Logf("heap: %.2f MiB before, %.2f after a 10 MiB echo, %.2f after a further small call", base, after, later)
		if after-base > 1 || later-base > 1 {
			t.Fatalf("the network keeps a delivered 10 MiB message: heap %.2f MiB before, %.2f after, %.2f after a small call",
				base, after, later)
		}
		_ = rn
	})
}

// The classic network decides a reply's fate when the handler returns: a
// server deleted while its handler runs loses the reply, but a reply
// already on its way (in its delay) is delivered, as a packet already on
// the wire would be.
func TestDeleteServerLosesRepliesOfRunningHandlersOnly(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, e, es := setup(t)
		rn.SetFaults(&Faults{ReplyDelay: Constant(100 * time.Millisecond)})
		res := make(chan bool)
		go func() {
			_, ok := echo(e, 1)
			res <- ok
		}()
		time.Sleep(50 * time.Millisecond) // the handler has returned; the reply travels
		rn.DeleteServer("s")
		if !<-res {
			t.Fatal("a reply sent before DeleteServer was lost; the doc says it is delivered")
		}
		if got := es.Seen(); len(got) != 1 {
			t.Fatalf("handler ran %d times, want 1", len(got))
		}

		srv := MakeServer()
		srv.AddService(MakeService(es))
		rn.AddServer("s", srv)
		running := callInHandler(e, es, 5)
		rn.DeleteServer("s")
		close(es.release) // the handler returns after the crash: its reply must go nowhere
		if <-running {
			t.Fatal("a handler that returned after DeleteServer delivered its reply")
		}
	})
}

// Every link direction keeps a gob stream open (type information once per
// stream), but at most maxStreams of them at once: 100,000 clients that
// each made one call would otherwise hold 1.5 GB of encoders and decoders.
// A closed stream reopens when its link is used again.
func TestOpenStreamsAreBoundedAndReopen(t *testing.T) {
	virtual(t, func(t *testing.T) {
		rn, _, _ := setup(t)
		n := maxStreams * 3 / 2 // 3 streams for every one that may stay open
		ends := make([]*ClientEnd, n)
		for i := range ends {
			name := fmt.Sprint("c", i)
			ends[i] = rn.MakeEnd(name)
			rn.Connect(name, "s")
			rn.Enable(name, true)
		}
		made := heapMiB()
		for i, e := range ends {
			if reply, ok := echo(e, i); !ok || reply.N != i {
				t.Fatalf("call %d failed", i)
			}
		}
		grown := heapMiB() - made
		// An open stream costs about 7 KB: all 12,288 open would hold 88 MiB.
		limit := float64(maxStreams*10<<10) / (1 << 20)
		t.Logf("%d links, one call each: heap +%.1f MiB (limit %.0f MiB)", n, grown, limit)
		if grown > limit {
			t.Fatalf("%d links that made one call each grew the heap by %.1f MiB, more than %d open streams may hold (%.0f MiB)",
				n, grown, maxStreams, limit)
		}
		for i, e := range ends[:10] { // their streams were closed to make room
			if reply, ok := echo(e, -i); !ok || reply.N != -i {
				t.Fatalf("call %d on a reopened stream failed", i)
			}
		}
	})
}
