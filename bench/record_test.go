package bench

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"distlab/kvraft/kvchaos"
	"distlab/labtest"
	"distlab/porcupine"
)

// recordings are the kvraft runs whose histories testdata/kvraft holds: the
// key/value service under chaos (partitions, crashes, an unreliable
// network), with many clients on a few keys, and one client on one key for
// a long run (the shape of the classic snapshot-recover test).
var recordings = []struct {
	name string
	seed int64
	cfg  func() kvchaos.Config
}{
	{"chaos-c5-k5-s1", 1, func() kvchaos.Config { return kvchaos.DefaultConfig() }},
	{"chaos-c10-k3-s2", 2, func() kvchaos.Config {
		c := kvchaos.DefaultConfig()
		c.Clients, c.Keys = 10, 3
		return c
	}},
	{"chaos-c20-k10-s3", 3, func() kvchaos.Config {
		c := kvchaos.DefaultConfig()
		c.Clients, c.Keys, c.Duration = 20, 10, 20*time.Second
		return c
	}},
	{"chaos-c15-k1-s4", 4, func() kvchaos.Config {
		c := kvchaos.DefaultConfig()
		c.Clients, c.Keys, c.Unreliable = 15, 1, true
		return c
	}},
	{"long-c1-k1-s5", 5, func() kvchaos.Config {
		c := kvchaos.DefaultConfig()
		c.Clients, c.Keys, c.Think = 1, 1, time.Millisecond
		c.Duration = 195 * time.Second
		return c
	}},
}

// TestRecordKvraftHistories rewrites testdata/kvraft from kvraft chaos runs
// when BENCH_RECORD names a recording (or is "all"); otherwise it skips.
func TestRecordKvraftHistories(t *testing.T) {
	which := os.Getenv("BENCH_RECORD")
	if which == "" {
		t.Skip("set BENCH_RECORD=all (or a recording's name) to record kvraft histories into testdata/kvraft")
	}
	for _, rec := range recordings {
		if which != "all" && which != rec.name {
			continue
		}
		t.Run(rec.name, func(t *testing.T) {
			t.Setenv(labtest.EnvSeed, fmt.Sprint(rec.seed))
			var ops []porcupine.Operation
			labtest.Run(t, func(t *testing.T) {
				s := kvchaos.Run(t, rec.cfg())
				ops = labtest.WorldOf(t).History().Operations()
				t.Logf("%s: %d operations (%d pending), %d faults, verdict %s", rec.name, s.Ops, s.Pending, s.FaultCount(), s.Verdict)
			})
			h, err := porcupine.NewHistory("kv", ops, nil)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(filepath.Join("testdata", "kvraft", rec.name+".json.gz"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			z := gzip.NewWriter(f)
			if err := porcupine.WriteHistory(z, h); err != nil {
				t.Fatal(err)
			}
			if err := z.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
