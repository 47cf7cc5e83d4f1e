package raft_test

import (
	"testing"

	"distlab/labrpc"
	"distlab/labtest"
	"distlab/raft/rafttest"
)

// run runs a test body on the labtest harness: in virtual time, with a
// seed, a failure schedule and artefacts on failure.
func run(t *testing.T, body func(t *testing.T)) { labtest.Run(t, body) }

// observe makes f the network's observer, for targeted faults: f may drop
// a message or change its delay. The run report's recorder still sees
// every message, as f left it.
func observe(h *rafttest.Cluster, f labrpc.Observer) {
	w := h.Labtest().World()
	rec := w.Recorder()
	w.Network().SetObserver(func(m *labrpc.Message) {
		f(m)
		rec.Observe(m)
	})
}
