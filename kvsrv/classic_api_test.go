//go:build classic

// This file is written the way the classic (2024) course suite for this lab
// is: plain go test on the real clock, the classic API only (StartKVServer,
// MakeClerk, labrpc's Network), no labtest. It checks that such a suite,
// written independently against the classic signatures, compiles and
// passes unchanged. Run it with
//
//	go test -tags classic ./kvsrv
package kvsrv

import (
	"math/rand"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"distlab/labrpc"
	"distlab/porcupine"
	"distlab/porcupine/models"
)

type classicConfig struct {
	t     *testing.T
	net   *labrpc.Network
	kv    *KVServer
	mu    sync.Mutex
	nends int
}

func classicSetup(t *testing.T, reliable bool) *classicConfig {
	cfg := &classicConfig{t: t, net: labrpc.MakeNetwork()}
	cfg.net.Reliable(reliable)
	cfg.kv = StartKVServer()
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(cfg.kv))
	cfg.net.AddServer("kvserver", srv)
	t.Cleanup(cfg.net.Cleanup)
	return cfg
}

func (cfg *classicConfig) makeClient() *Clerk {
	cfg.mu.Lock()
	name := "client" + strconv.Itoa(cfg.nends)
	cfg.nends++
	cfg.mu.Unlock()
	end := cfg.net.MakeEnd(name)
	cfg.net.Connect(name, "kvserver")
	cfg.net.Enable(name, true)
	return MakeClerk(end)
}

func heapAfterGC() uint64 {
	runtime.GC()
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	var st runtime.MemStats
	runtime.ReadMemStats(&st)
	return st.HeapAlloc
}

func randValue(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rand.Intn(len(letters))]
	}
	return string(b)
}

type classicLog struct {
	mu  sync.Mutex
	ops []porcupine.Operation
	t0  time.Time
}

func (l *classicLog) add(client int, in models.KvInput, out models.KvOutput, start, end time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops = append(l.ops, porcupine.Operation{ClientId: client, Input: in, Output: out,
		Call: int64(start.Sub(l.t0)), Return: int64(end.Sub(l.t0))})
}

// classicClients runs nclients clients for a while, each appending to its
// own key and to a shared key and reading both, checks what each saw and
// the history with porcupine.
func classicClients(t *testing.T, reliable bool, nclients int, oneKey bool) {
	cfg := classicSetup(t, reliable)
	log := &classicLog{t0: time.Now()}
	var wg sync.WaitGroup
	for c := 0; c < nclients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			ck := cfg.makeClient()
			key := "k" + strconv.Itoa(c)
			if oneKey {
				key = "k"
			}
			mine := ""
			for j := 0; j < 40; j++ {
				v := "x " + strconv.Itoa(c) + " " + strconv.Itoa(j) + " y"
				start := time.Now()
				if rand.Intn(3) == 0 {
					got := ck.Get(key)
					log.add(c, models.KvInput{Op: 0, Key: key}, models.KvOutput{Value: got}, start, time.Now())
					if !oneKey && got != mine {
						t.Errorf("client %d: get %q = %q, want %q", c, key, got, mine)
					}
					continue
				}
				old := ck.Append(key, v)
				log.add(c, models.KvInput{Op: 3, Key: key, Value: v}, models.KvOutput{Value: old}, start, time.Now())
				if !oneKey && old != mine {
					t.Errorf("client %d: append returned %q, want %q", c, old, mine)
				}
				mine += v
			}
		}(c)
	}
	wg.Wait()
	res, _ := porcupine.CheckOperationsVerbose(models.KvModel, log.ops, 10*time.Second)
	if res == porcupine.Illegal {
		t.Fatal("history is not linearizable")
	}
}

func TestClassicBasic(t *testing.T) {
	cfg := classicSetup(t, true)
	ck := cfg.makeClient()
	if v := ck.Get("a"); v != "" {
		t.Fatalf("get of a new key = %q", v)
	}
	ck.Put("a", "1")
	if old := ck.Append("a", "2"); old != "1" {
		t.Fatalf("append returned %q, want %q", old, "1")
	}
	if v := ck.Get("a"); v != "12" {
		t.Fatalf("get = %q, want 12", v)
	}
}

func TestClassicConcurrent(t *testing.T)        { classicClients(t, true, 5, false) }
func TestClassicUnreliable(t *testing.T)        { classicClients(t, false, 5, false) }
func TestClassicUnreliableOneKey(t *testing.T)  { classicClients(t, false, 5, true) }
func TestClassicManyClientsOneKey(t *testing.T) { classicClients(t, true, 50, true) }

const classicMEM = 10 // MiB

func TestClassicMemGet2(t *testing.T) {
	cfg := classicSetup(t, true)
	ck0, ck1 := cfg.makeClient(), cfg.makeClient()
	v := randValue(classicMEM << 20)
	ck0.Put("k", v)
	v = ""
	m0 := heapAfterGC()
	ck1.Get("k")
	ck1.Get("k")
	if m1 := heapAfterGC(); m1 > m0+(classicMEM<<20)/2 {
		t.Fatalf("server keeps get replies: heap %d -> %d", m0, m1)
	}
}

func TestClassicMemPut2(t *testing.T) {
	cfg := classicSetup(t, true)
	ck0, ck1 := cfg.makeClient(), cfg.makeClient()
	m0 := heapAfterGC()
	ck0.Put("k", randValue(classicMEM<<20))
	ck1.Put("k", randValue(classicMEM<<20))
	ck1.Put("k", "")
	ck0.Get("k")
	if m1 := heapAfterGC(); m1 > m0+(classicMEM<<20)/2 {
		t.Fatalf("server keeps put values: heap %d -> %d", m0, m1)
	}
}

func TestClassicMemAppend2(t *testing.T) {
	cfg := classicSetup(t, true)
	ck0, ck1 := cfg.makeClient(), cfg.makeClient()
	m0 := heapAfterGC()
	ck0.Append("k", randValue(classicMEM<<20))
	ck1.Append("k", randValue(classicMEM<<20)) // its reply is 10 MiB
	ck1.Put("k", "")                           // frees it
	ck0.Get("k")
	if m1 := heapAfterGC(); m1 > m0+(classicMEM<<20)/2 {
		t.Fatalf("server keeps append replies: heap %d -> %d", m0, m1)
	}
}

func TestClassicMemPutManyClients(t *testing.T) {
	const nclients = 100_000
	cfg := classicSetup(t, true)
	v := randValue(1000)
	cks := make([]*Clerk, nclients)
	for i := range cks {
		cks[i] = cfg.makeClient()
	}
	for _, ck := range cks { // the server sees every client
		ck.Put("k", "")
	}
	m0 := heapAfterGC()
	for _, ck := range cks {
		ck.Put("k", v)
	}
	m1 := heapAfterGC()
	per := (float64(m1) - float64(m0)) / nclients
	t.Logf("%.1f bytes per client", per)
	if m1 > m0+nclients*200 {
		t.Fatalf("server uses too much memory: %.1f bytes per client", per)
	}
}

func TestClassicMemGetManyClients(t *testing.T) {
	const nclients = 100_000
	cfg := classicSetup(t, true)
	ck := cfg.makeClient()
	ck.Put("k", randValue(1000))
	cks := make([]*Clerk, nclients)
	for i := range cks {
		cks[i] = cfg.makeClient()
	}
	for _, ck := range cks {
		ck.Get("k")
	}
	m0 := heapAfterGC()
	for _, ck := range cks {
		ck.Get("k")
	}
	m1 := heapAfterGC()
	if m1 > m0+nclients*10 {
		t.Fatalf("server uses memory for gets: %.1f bytes per client", (float64(m1)-float64(m0))/nclients)
	}
}

func TestClassicMemManyAppends(t *testing.T) {
	const n = 1000
	cfg := classicSetup(t, true)
	ck := cfg.makeClient()
	m0 := heapAfterGC()
	v := randValue(1000)
	for i := 0; i < n; i++ {
		ck.Append("k", v)
	}
	m1 := heapAfterGC()
	// The value is n*1000 bytes; the remembered reply at most as much again.
	if m1 > m0+3*n*1000 {
		t.Fatalf("heap grew by %d bytes for a %d-byte value", m1-m0, n*1000)
	}
	if got := ck.Get("k"); got != strings.Repeat(v, n) {
		t.Fatal("wrong final value")
	}
}
