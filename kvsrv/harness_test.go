package kvsrv

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
	"distlab/porcupine/models"
)

// The classic signatures, checked at compile time (the classic-shaped suite
// in classic_api_test.go runs them: go test -tags classic ./kvsrv).
var (
	_ func() *KVServer                                 = StartKVServer
	_ func(*labrpc.ClientEnd) *Clerk                   = MakeClerk
	_ func(*KVServer, *GetArgs, *GetReply)             = (*KVServer).Get
	_ func(*KVServer, *PutAppendArgs, *PutAppendReply) = (*KVServer).Put
	_ func(*KVServer, *PutAppendArgs, *PutAppendReply) = (*KVServer).Append
	_ func(*Clerk, string) string                      = (*Clerk).Get
	_ func(*Clerk, string, string)                     = (*Clerk).Put
	_ func(*Clerk, string, string) string              = (*Clerk).Append
	_                                                  = GetArgs{Key: ""}
	_                                                  = GetReply{Value: ""}
	_                                                  = PutAppendArgs{Key: "", Value: ""}
	_                                                  = PutAppendReply{Value: ""}
)

// server is a one-server labtest cluster with clerks whose operations go
// into the test's history, checked with porcupine's kv model (Append is op
// 3: it returns the old value).
type server struct {
	*labtest.Cluster[*KVServer]
	t *testing.T
	w *labtest.World
	h *labtest.History
	// show is how a value appears in the history: itself, or for tests
	// with 10 MiB values a short form that keeps the history small.
	show func(string) string
}

func startServer(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*KVServer, []any) {
	kv := StartKVServer()
	return kv, []any{kv}
}

// newServer starts the server; call it inside labtest.Run.
func newServer(t *testing.T, reliable bool) *server {
	w := labtest.WorldOf(t)
	s := &server{Cluster: labtest.NewCluster(t, 1, startServer), t: t, w: w, h: w.History(),
		show: func(v string) string { return v }}
	s.w.Reliable(reliable)
	s.h.SetModel(models.KvModelName, models.KvModel)
	return s
}

// kv returns the running server object.
func (s *server) kv() *KVServer {
	kv, ok := s.Server(0)
	if !ok {
		s.t.Fatal("the server is not running")
	}
	return kv
}

// check checks the history with porcupine and stops the test if it is
// not linearizable.
func (s *server) check() {
	s.t.Helper()
	s.h.Check(models.KvModel, 0)
	if s.t.Failed() {
		s.t.FailNow()
	}
}

// recClerk is a Clerk whose operations are recorded in the history.
type recClerk struct {
	s  *server
	cl *labtest.Client
	ck *Clerk
}

func (s *server) clerk() *recClerk {
	cl := s.MakeClient()
	return &recClerk{s: s, cl: cl, ck: MakeClerk(cl.Ends()[0])}
}

func (rc *recClerk) Get(key string) string {
	var v string
	labtest.Record(rc.s.h, rc.cl.ID(), models.KvInput{Op: models.OpGet, Key: key},
		func() models.KvOutput { v = rc.ck.Get(key); return models.KvOutput{Value: rc.s.show(v)} })
	return v
}

func (rc *recClerk) Put(key, value string) {
	labtest.Record(rc.s.h, rc.cl.ID(), models.KvInput{Op: models.OpPut, Key: key, Value: rc.s.show(value)},
		func() models.KvOutput { rc.ck.Put(key, value); return models.KvOutput{} })
}

func (rc *recClerk) Append(key, value string) string {
	var old string
	labtest.Record(rc.s.h, rc.cl.ID(), models.KvInput{Op: models.OpAppendOld, Key: key, Value: rc.s.show(value)},
		func() models.KvOutput { old = rc.ck.Append(key, value); return models.KvOutput{Value: rc.s.show(old)} })
	return old
}

// runs writes s as runs of one byte, "a*10485760;": a short form of the
// tests' big values. runs(x+y) == runs(x)+runs(y) when x's last byte is not
// y's first, which the tests arrange, so appends check as appends.
func runs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		fmt.Fprintf(&b, "%c*%d;", s[i], j-i)
		i = j
	}
	return b.String()
}

// heapMiB is the live heap after garbage collection, in MiB.
func heapMiB() float64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}
