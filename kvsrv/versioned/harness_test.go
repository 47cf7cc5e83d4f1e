package versioned

import (
	"testing"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/persister"
	"distlab/porcupine/models"
)

// server is a one-server labtest cluster with clerks whose operations go
// into the test's history, checked with porcupine's versioned kv model
// (an ErrMaybe Put may or may not have taken effect).
type server struct {
	*labtest.Cluster[*KVServer]
	t *testing.T
	w *labtest.World
	h *labtest.History
}

func startServer(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*KVServer, []any) {
	kv := StartKVServer()
	return kv, []any{kv}
}

// newServer starts the server; call it inside labtest.Run.
func newServer(t *testing.T, reliable bool) *server {
	w := labtest.WorldOf(t)
	s := &server{Cluster: labtest.NewCluster(t, 1, startServer), t: t, w: w, h: w.History()}
	s.w.Reliable(reliable)
	s.h.SetModel(models.VersionedKvModelName, models.VersionedKvModel)
	return s
}

func (s *server) check() {
	s.t.Helper()
	s.h.Check(models.VersionedKvModel, 0)
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

func (rc *recClerk) Get(key string) (string, uint64, Err) {
	out := labtest.Record(rc.s.h, rc.cl.ID(), models.VersionedInput{Op: models.VersionedGet, Key: key},
		func() models.VersionedOutput {
			v, ver, err := rc.ck.Get(key)
			return models.VersionedOutput{Value: v, Version: ver, Err: string(err)}
		})
	return out.Value, out.Version, Err(out.Err)
}

func (rc *recClerk) Put(key, value string, version uint64) Err {
	out := labtest.Record(rc.s.h, rc.cl.ID(), models.VersionedInput{Op: models.VersionedPut, Key: key, Value: value, Version: version},
		func() models.VersionedOutput {
			return models.VersionedOutput{Err: string(rc.ck.Put(key, value, version))}
		})
	return Err(out.Err)
}
