package versioned

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/porcupine/models"
)

// The outcomes are the model's texts, so histories check as recorded.
var _ = [4]bool{
	OK == models.OK, ErrNoKey == models.ErrNoKey,
	ErrVersion == models.ErrVersion, ErrMaybe == models.ErrMaybe,
}

func TestVersionsAtTheEdges(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		ck := s.clerk()
		expect := func(what string, got, want Err) {
			t.Helper()
			if got != want {
				t.Fatalf("%s: %s, want %s", what, got, want)
			}
		}
		_, _, err := ck.Get("k")
		expect("Get of a missing key", err, ErrNoKey)
		expect("Put with version 1 of a missing key", ck.Put("k", "x", 1), ErrNoKey)
		_, _, err = ck.Get("k")
		expect("Get after a refused Put", err, ErrNoKey)
		expect("Put with version 0 creates", ck.Put("k", "a", 0), OK)
		expect("a second create", ck.Put("k", "b", 0), ErrVersion)
		if v, ver, err := ck.Get("k"); v != "a" || ver != 1 || err != OK {
			t.Fatalf("Get after create = %q, %d, %s; want \"a\", 1, OK", v, ver, err)
		}
		expect("Put with the current version", ck.Put("k", "b", 1), OK)
		expect("Put with a stale version", ck.Put("k", "c", 1), ErrVersion)
		expect("Put with a future version", ck.Put("k", "c", 7), ErrVersion)
		if v, ver, _ := ck.Get("k"); v != "b" || ver != 2 {
			t.Fatalf("Get = %q, %d; want \"b\", 2", v, ver)
		}
		expect("the empty key is a key", ck.Put("", "e", 0), OK)
		if v, ver, err := ck.Get(""); v != "e" || ver != 1 || err != OK {
			t.Fatalf("Get(\"\") = %q, %d, %s", v, ver, err)
		}
		s.check()
	})
}

// dropFirstPutReplies loses the first n replies of Put on the network.
func dropFirstPutReplies(s *server, n int) *int {
	var mu sync.Mutex
	dropped := 0
	s.w.Network().SetObserver(func(m *labrpc.Message) {
		mu.Lock()
		defer mu.Unlock()
		if m.Kind == labrpc.Reply && m.Method == "KVServer.Put" && dropped < n {
			m.Fate = labrpc.Dropped
			dropped++
		}
	})
	return &dropped
}

// A Put whose reply is lost is resent and finds the version it installed
// itself: ErrMaybe, and the value is there.
func TestLostPutReplyGivesErrMaybeThatTookEffect(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		ck := s.clerk()
		ck.Put("k", "a", 0)
		dropped := dropFirstPutReplies(s, 1)
		if err := ck.Put("k", "b", 1); err != ErrMaybe {
			t.Fatalf("Put with a lost reply = %s, want ErrMaybe", err)
		}
		if *dropped != 1 {
			t.Fatal("no reply was dropped")
		}
		if v, ver, _ := ck.Get("k"); v != "b" || ver != 2 {
			t.Fatalf("Get = %q, %d; want the ErrMaybe Put's \"b\", 2", v, ver)
		}
		s.check()
	})
}

// A Put whose first try is lost while another client moves the version on
// gets ErrMaybe too, and did not take effect: the caller cannot tell the
// two apart from the answer.
func TestErrMaybeThatDidNotTakeEffect(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, true)
		a, b := s.clerk(), s.clerk()
		a.Put("k", "0", 0)
		var once sync.Once
		s.w.Network().SetObserver(func(m *labrpc.Message) {
			if m.Kind == labrpc.Request && m.Method == "KVServer.Put" {
				once.Do(func() { m.Fate, m.Delay = labrpc.Dropped, 100*time.Millisecond })
			}
		})
		res := make(chan Err)
		go func() { res <- a.Put("k", "a", 1) }() // its first request is lost after 100 ms
		time.Sleep(50 * time.Millisecond)
		if err := b.Put("k", "b", 1); err != OK {
			t.Fatalf("b's Put = %s, want OK", err)
		}
		if err := <-res; err != ErrMaybe {
			t.Fatalf("a's resent Put = %s, want ErrMaybe", err)
		}
		if v, ver, _ := a.Get("k"); v != "b" || ver != 2 {
			t.Fatalf("Get = %q, %d; want b's \"b\", 2 (a's Put did not take effect)", v, ver)
		}
		s.check()
	})
}

// clients run read-modify-write loops on a few shared keys: Get, then Put
// with the version read. Each client counts its OK Puts; at the end every
// key's version is at least the OKs on it and at most OKs plus ErrMaybes,
// and the history is linearizable.
func clients(t *testing.T, s *server, n int, d time.Duration, keys ...string) (nmaybe uint64) {
	deadline := s.w.Now() + d
	var mu sync.Mutex
	oks, maybes := map[string]uint64{}, map[string]uint64{}
	var wg sync.WaitGroup
	for i := range n {
		ck := s.clerk()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ck.cl.Rand()
			for j := 0; s.w.Now() < deadline; j++ {
				key := keys[r.IntN(len(keys))]
				_, ver, err := ck.Get(key)
				if err == ErrNoKey {
					ver = 0
				}
				res := ck.Put(key, fmt.Sprintf("%d.%d", i, j), ver)
				mu.Lock()
				switch res {
				case OK:
					oks[key]++
				case ErrMaybe:
					maybes[key]++
				}
				mu.Unlock()
				time.Sleep(time.Duration(r.IntN(10)) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	ck := s.clerk()
	for _, k := range keys {
		_, ver, _ := ck.Get(k)
		if ver < oks[k] || ver > oks[k]+maybes[k] {
			t.Fatalf("key %s has version %d after %d OK and %d ErrMaybe puts", k, ver, oks[k], maybes[k])
		}
		nmaybe += maybes[k]
	}
	s.check()
	return nmaybe
}

func TestConcurrentClientsAreLinearizable(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		clients(t, newServer(t, true), 5, 3*time.Second, "x", "y", "z")
	})
}

func TestUnreliableNetworkIsLinearizableWithErrMaybe(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, false)
		if clients(t, s, 5, 5*time.Second, "x", "y", "z") == 0 {
			t.Fatal("no Put answered ErrMaybe: the test proved nothing")
		}
	})
}

// Ten clients contend for one key while requests are lost, delayed and
// delivered twice (a duplicate Put runs again and finds the version moved:
// harmless without any table).
func TestOneKeyManyClientsWithDuplicatedRequests(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		s := newServer(t, false)
		s.w.Network().SetFaults(&labrpc.Faults{
			RequestDelay: labrpc.Uniform(0, 20*time.Millisecond),
			ReplyDelay:   labrpc.Uniform(0, 20*time.Millisecond),
			DropRequest:  0.1, DropReply: 0.1, Duplicate: 0.2,
		})
		clients(t, s, 10, 5*time.Second, "k")
		if st := s.w.Network().Stats(); st.Requests[labrpc.Duplicated] == 0 {
			t.Fatal("no request was duplicated: the test proved nothing")
		}
	})
}

func TestMakeClerkOfNilEndPanicsNamingIt(t *testing.T) {
	defer func() {
		if r := fmt.Sprint(recover()); r != "versioned.MakeClerk(nil): pass the *labrpc.ClientEnd of the server" {
			t.Fatalf("MakeClerk(nil) panicked with %q", r)
		}
	}()
	MakeClerk(nil)
}
