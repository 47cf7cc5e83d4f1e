package kvsrv

import (
	"fmt"
	"strings"
	"testing"

	"distlab/labtest"
)

// The memory tests measure the live heap after garbage collection with the
// network still alive, as the classic suite does. The history records big
// values in their short form (runs), so that the test's own record of what
// happened holds no copy either. They run with the run report's message
// recorder off (runMemory): its ring is the harness's memory, not the
// server's, and it would grow with every RPC the test makes.

const bigMiB = 10

// runMemory runs a memory test's body in the harness with no message
// recording (DISTLAB_TRACE=0).
func runMemory(t *testing.T, body func(t *testing.T)) {
	t.Setenv(labtest.EnvTrace, "0")
	labtest.Run(t, body)
}

func big(c byte) string { return strings.Repeat(string(c), bigMiB<<20) }

// memServer is a server whose history shows values as runs.
func memServer(t *testing.T) *server {
	s := newServer(t, true)
	s.show = runs
	return s
}

func TestOverwrittenBigValueLeavesNoCopy(t *testing.T) {
	runMemory(t, func(t *testing.T) {
		s := memServer(t)
		ck0, ck1 := s.clerk(), s.clerk()
		ck0.Put("k", "")
		ck1.Put("k", "")
		base := heapMiB()
		ck0.Put("k", big('a'))
		ck1.Put("k", big('b'))
		ck1.Put("k", "c")
		if v := ck0.Get("k"); v != "c" {
			t.Fatalf("Get = %q, want %q", v, "c")
		}
		after := heapMiB()
		t.Logf("heap %.1f MiB before two %d MiB puts, %.1f after they were overwritten", base, bigMiB, after)
		if after-base > 2 {
			t.Fatalf("two overwritten %d MiB values left the heap %.1f MiB higher", bigMiB, after-base)
		}
		s.check()
	})
}

func TestGetRepliesAreNotKept(t *testing.T) {
	runMemory(t, func(t *testing.T) {
		s := memServer(t)
		ck0, ck1, ck2 := s.clerk(), s.clerk(), s.clerk()
		ck0.Put("k", big('a'))
		ck1.Put("x", "")
		ck2.Put("x", "")
		base := heapMiB() // the store holds the value once
		for _, ck := range []*recClerk{ck1, ck2, ck1} {
			if v := ck.Get("k"); len(v) != bigMiB<<20 {
				t.Fatalf("Get returned %d bytes, want %d MiB", len(v), bigMiB)
			}
		}
		after := heapMiB()
		t.Logf("heap %.1f MiB before three Gets of a %d MiB value, %.1f after", base, bigMiB, after)
		if after-base > 2 {
			t.Fatalf("three Gets of a %d MiB value left the heap %.1f MiB higher", bigMiB, after-base)
		}
		s.check()
	})
}

// Append's reply is the old value, which the server must remember until the
// client's next request (a retry must get it); then it must let it go.
func TestAppendReplyIsFreedAtTheClientsNextRequest(t *testing.T) {
	runMemory(t, func(t *testing.T) {
		s := memServer(t)
		ck0, ck1 := s.clerk(), s.clerk()
		ck0.Put("x", "")
		ck1.Put("x", "")
		base := heapMiB()
		if old := ck0.Append("k", big('a')); old != "" {
			t.Fatalf("first Append returned %d bytes, want none", len(old))
		}
		if old := ck1.Append("k", big('b')); len(old) != bigMiB<<20 {
			t.Fatalf("second Append returned %d bytes, want the %d MiB before it", len(old), bigMiB)
		}
		held := heapMiB() // the 20 MiB value and ck1's remembered 10 MiB reply
		ck1.Get("x")      // ck1's next request: its reply can go
		freed := heapMiB()
		ck0.Put("k", "c")
		empty := heapMiB()
		t.Logf("heap above base: %.1f MiB after two %d MiB appends, %.1f after the appender's next request, %.1f after the value is overwritten",
			held-base, bigMiB, freed-base, empty-base)
		if freed-base > 2*bigMiB+2 {
			t.Fatalf("after the client's next request the heap holds %.1f MiB, want the %d MiB value only: the Append reply was kept",
				freed-base, 2*bigMiB)
		}
		if empty-base > 2 {
			t.Fatalf("after overwriting the value the heap is %.1f MiB higher", empty-base)
		}
		s.check()
	})
}

// Many appends to one key keep one value (and at most one remembered old
// value), not one copy per append.
func TestManyAppendsKeepOneValue(t *testing.T) {
	runMemory(t, func(t *testing.T) {
		s := memServer(t)
		const n, size = 200, 10 << 10
		// Every append is the same chunk, shown in the history as one "a"
		// (short forms of appended values must concatenate).
		s.show = func(v string) string { return strings.Repeat("a", len(v)/size) }
		chunk := strings.Repeat("x", size)
		ck := s.clerk()
		ck.Put("x", "")
		base := heapMiB()
		for i := range n {
			if old := ck.Append("k", chunk); len(old) != i*size {
				t.Fatalf("append %d returned %d bytes, want %d", i, len(old), i*size)
			}
		}
		after := heapMiB()
		value := float64(n*size) / (1 << 20)
		t.Logf("%d appends of %d KiB: heap +%.2f MiB for a %.2f MiB value", n, size>>10, after-base, value)
		if after-base > 3*value {
			t.Fatalf("%d appends of %d KiB grew the heap by %.2f MiB, more than 3 times the %.2f MiB value", n, size>>10, after-base, value)
		}
		if v := ck.Get("k"); v != strings.Repeat(chunk, n) {
			t.Fatalf("value of %d bytes, want %d copies of the chunk", len(v), n)
		}
		s.check()
	})
}

// 100,000 clients, each with a Put, as in the classic suite: once the
// server has seen every client, a further Put per client may cost only a
// few dozen bytes each (the classic limit is 200). Every client writes its
// own key; the history records every 100th client (each the only writer of
// its key, so each recorded key's history is complete: a record of all
// 200,000 operations would itself cost more than the limit), and every
// other client's result is checked by reading its key back.
func TestManyClientsCostAFewDozenBytesEach(t *testing.T) {
	runMemory(t, func(t *testing.T) {
		const n, sample = manyClients, 100
		s := newServer(t, true)
		cks := make([]*Clerk, n)
		recs := make([]*recClerk, n/sample)
		for i := range cks {
			cl := s.MakeClient()
			cks[i] = MakeClerk(cl.Ends()[0])
			if i%sample == 0 {
				recs[i/sample] = &recClerk{s: s, cl: cl, ck: cks[i]}
			}
		}
		put := func(i int, v string) {
			if i%sample == 0 {
				recs[i/sample].Put(fmt.Sprint("c", i), v)
			} else {
				cks[i].Put(fmt.Sprint("c", i), v)
			}
		}
		made := heapMiB()
		for i := range cks {
			put(i, "")
		}
		first := heapMiB()
		for i := range cks {
			put(i, fmt.Sprint("v", i))
		}
		second := heapMiB()
		perFirst := (first - made) * (1 << 20) / n
		perSecond := (second - first) * (1 << 20) / n
		t.Logf("per client: first Put %.0f bytes (the server's entry, the key, and the network's open streams), second Put %.0f bytes",
			perFirst, perSecond)
		if perSecond > 200 {
			t.Fatalf("a second Put per client cost %.0f bytes each, more than the classic 200", perSecond)
		}
		for i := range cks {
			var v string
			if i%sample == 0 {
				v = recs[i/sample].Get(fmt.Sprint("c", i))
			} else {
				v = cks[i].Get(fmt.Sprint("c", i))
			}
			if want := fmt.Sprint("v", i); v != want {
				t.Fatalf("client %d's key holds %q, want %q", i, v, want)
			}
		}
		s.check()
	})
}
