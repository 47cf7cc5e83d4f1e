package kvsrv

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
)

func TestClerkSeesItsOwnWritesAndAppendReturnsTheOldValue(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		ck := s.clerk()
		if v := ck.Get("a"); v != "" {
			t.Fatalf("Get of a missing key = %q, want \"\"", v)
		}
		ck.Put("a", "1")
		if old := ck.Append("a", "2"); old != "1" {
			t.Fatalf("Append returned %q, want the old value %q", old, "1")
		}
		if old := ck.Append("new", "x"); old != "" {
			t.Fatalf("Append to a missing key returned %q, want \"\"", old)
		}
		if v := ck.Get("a"); v != "12" {
			t.Fatalf("Get = %q, want %q", v, "12")
		}
		ck.Put("", "empty key") // the empty key is a key like any other
		if v := ck.Get(""); v != "empty key" {
			t.Fatalf("Get(\"\") = %q, want %q", v, "empty key")
		}
		s.check()
	})
}

// clients runs n clients for d of the test's clock. Each appends tokens to
// its own key and to shared keys and reads them; on its own key it checks
// every Get and every Append's old value against what it wrote. At the end
// each own key must hold exactly the client's tokens in order (each Append
// applied once) and the whole history must be linearizable.
func clients(t *testing.T, s *server, n int, d time.Duration, shared []string) {
	var wg sync.WaitGroup
	deadline := s.w.Now() + d
	final := make([]string, n)
	cks := make([]*recClerk, n)
	for i := range cks {
		cks[i] = s.clerk()
	}
	for i, ck := range cks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ck.cl.Rand()
			own := fmt.Sprintf("own%d", i)
			mine := ""
			for j := 0; s.w.Now() < deadline; j++ {
				key := own
				if len(shared) > 0 && r.IntN(2) == 0 {
					key = shared[r.IntN(len(shared))]
				}
				token := fmt.Sprintf("[%d.%d]", i, j)
				switch r.IntN(4) {
				case 0:
					v := ck.Get(key)
					if key == own && v != mine {
						t.Errorf("client %d: Get(%s) = %q, want %q", i, key, v, mine)
						return
					}
				case 1:
					if key != own { // a Put on the own key would reset the check
						ck.Put(key, token)
						break
					}
					fallthrough
				default:
					old := ck.Append(key, token)
					if key == own {
						if old != mine {
							t.Errorf("client %d: Append(%s) returned %q, want %q", i, key, old, mine)
							return
						}
						mine += token
					}
				}
				time.Sleep(time.Duration(r.IntN(10)) * time.Millisecond)
			}
			final[i] = mine
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for i, ck := range cks {
		if v := ck.Get(fmt.Sprintf("own%d", i)); v != final[i] {
			t.Fatalf("client %d's key holds %q, want %q (each append exactly once)", i, v, final[i])
		}
	}
	s.check()
}

func TestConcurrentClientsAreLinearizable(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		clients(t, s, 5, 3*time.Second, []string{"x", "y"})
	})
}

func TestUnreliableNetworkAppliesEachWriteOnce(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, false)
		before := s.w.RPCs()
		clients(t, s, 5, 5*time.Second, []string{"x", "y"})
		if st := s.w.Network().Stats(); st.Requests[labrpc.Dropped] == 0 || st.Replies[labrpc.Dropped] == 0 {
			t.Fatalf("the network lost no request or no reply (%v, %v): the test proved nothing",
				st.Requests, st.Replies)
		}
		t.Logf("%d RPCs", s.w.RPCs()-before)
	})
}

// Replies overtake each other and arrive up to 2.2 s late; requests are
// delivered twice: every stale or duplicate request must be recognised.
func TestReorderedAndDuplicatedRequestsApplyOnce(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, false)
		s.w.LongReordering(true)
		s.w.Network().SetFaults(&labrpc.Faults{
			RequestDelay: labrpc.Uniform(0, 50*time.Millisecond),
			ReplyDelay:   labrpc.Uniform(0, 300*time.Millisecond),
			DropRequest:  0.1, DropReply: 0.2, Duplicate: 0.3,
		})
		clients(t, s, 5, 5*time.Second, []string{"x"})
		if st := s.w.Network().Stats(); st.Requests[labrpc.Duplicated] == 0 {
			t.Fatal("no request was duplicated: the test proved nothing")
		}
	})
}

func TestOneKeyManyClientsUnreliable(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, false)
		const n, each = 10, 20
		var wg sync.WaitGroup
		for i := range n {
			ck := s.clerk()
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range each {
					ck.Append("k", fmt.Sprintf("[%d.%d]", i, j))
				}
			}()
		}
		wg.Wait()
		v := s.clerk().Get("k")
		for i := range n {
			for j := range each {
				if c := countOf(v, fmt.Sprintf("[%d.%d]", i, j)); c != 1 {
					t.Fatalf("token [%d.%d] appears %d times in the value, want once", i, j, c)
				}
			}
		}
		s.check()
	})
}

func countOf(s, sub string) int {
	n := 0
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			n++
		}
	}
	return n
}

// The reply of an Append is lost; the Clerk resends it and must get the
// same old value from the server's memory, without a second append.
func TestLostAppendReplyIsAnsweredFromMemory(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		ck := s.clerk()
		ck.Put("k", "a")
		var mu sync.Mutex
		dropped := 0
		s.w.Network().SetObserver(func(m *labrpc.Message) {
			mu.Lock()
			defer mu.Unlock()
			if m.Kind == labrpc.Reply && m.Method == "KVServer.Append" && dropped < 3 {
				m.Fate = labrpc.Dropped
				dropped++
			}
		})
		if old := ck.Append("k", "b"); old != "a" {
			t.Fatalf("Append after three lost replies returned %q, want %q", old, "a")
		}
		if dropped != 3 {
			t.Fatalf("%d replies dropped, want 3", dropped)
		}
		if v := ck.Get("k"); v != "ab" {
			t.Fatalf("value %q after a retried Append, want %q (applied once)", v, "ab")
		}
		s.check()
	})
}

// A Clerk retries forever while the server is unreachable, and its
// operation completes once it is reachable again.
func TestClerkRetriesUntilTheServerIsReachable(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		ck := s.clerk()
		ck.cl.DisconnectAll()
		done := make(chan string)
		go func() { done <- ck.Append("k", "v") }()
		time.Sleep(5 * time.Second)
		select {
		case <-done:
			t.Fatal("Append returned while the server was unreachable")
		default:
		}
		ck.cl.ConnectAll()
		if old := <-done; old != "" {
			t.Fatalf("Append returned %q, want \"\"", old)
		}
		if v := ck.Get("k"); v != "v" {
			t.Fatalf("value %q, want %q", v, "v")
		}
		s.check()
	})
}

func TestMakeClerkOfNilEndPanicsNamingIt(t *testing.T) {
	defer func() {
		if r := fmt.Sprint(recover()); r != "kvsrv.MakeClerk(nil): pass the *labrpc.ClientEnd of the server" {
			t.Fatalf("MakeClerk(nil) panicked with %q", r)
		}
	}()
	MakeClerk(nil)
}

// A hand-made request without a client id is applied every time it
// arrives: there is nothing to recognise it by.
func TestRequestWithoutClientIDIsAppliedEachTime(t *testing.T) {
	kv := StartKVServer()
	args := PutAppendArgs{Key: "k", Value: "x"}
	for range 2 {
		kv.Append(&args, &PutAppendReply{})
	}
	var r GetReply
	kv.Get(&GetArgs{Key: "k"}, &r)
	if r.Value != "xx" {
		t.Fatalf("value %q after two anonymous appends, want %q", r.Value, "xx")
	}
}

// The server's three answers to a client's request number, by hand: a new
// number runs, the latest number is answered from memory, an older one (a
// duplicate still travelling after its client moved on) does nothing.
func TestServerRunsNewRequestsRepeatsLatestReplyDropsOlder(t *testing.T) {
	kv := StartKVServer()
	app := func(seq int64, v string) string {
		var r PutAppendReply
		kv.Append(&PutAppendArgs{Key: "k", Value: v, ClientID: 7, Seq: seq}, &r)
		return r.Value
	}
	value := func() string {
		var r GetReply
		kv.Get(&GetArgs{Key: "k"}, &r) // anonymous: does not move client 7 on
		return r.Value
	}
	app(1, "a")
	if old := app(2, "b"); old != "a" {
		t.Fatalf("new request: old value %q, want %q", old, "a")
	}
	if old := app(2, "b"); old != "a" || value() != "ab" {
		t.Fatalf("retry of the latest: old %q, value %q; want %q, %q", old, value(), "a", "ab")
	}
	if old := app(1, "a"); old != "" || value() != "ab" {
		t.Fatalf("stale duplicate: reply %q, value %q; want \"\", %q", old, value(), "ab")
	}
}

// Close stops a Clerk whose server never answers: the operation in progress
// returns, and later ones return at once.
func TestClosedClerkGivesUp(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		cl := s.MakeClient()
		ck := MakeClerk(cl.Ends()[0])
		cl.DisconnectAll()
		done := make(chan string)
		go func() { done <- ck.Append("k", "v") }()
		time.Sleep(time.Second)
		ck.Close()
		if old := <-done; old != "" || !ck.Closed() {
			t.Fatalf("abandoned Append returned %q, Closed %v", old, ck.Closed())
		}
		ck.Put("k", "x") // returns at once
		if v := ck.Get("k"); v != "" {
			t.Fatalf("Get on a closed Clerk = %q, want \"\"", v)
		}
	})
}
