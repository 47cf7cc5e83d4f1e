package bench

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "distlab/kvraft/kvchaos" // registers the kvraft chaos lab
	"distlab/labtest"
	"distlab/labtest/chaos"
	"distlab/porcupine"
)

// recordings are the kvraft runs whose histories testdata/kvraft holds: the
// key/value service under chaos (partitions, crashes, an unreliable
// network), with many clients on a few keys, and one client on one key for
// a long run (the shape of the classic snapshot-recover test). The
// histories were recorded before the chaos layer (labtest/chaos) replaced
// kvchaos's own runner; recording again gives histories of the same shapes,
// not the same bytes.
var recordings = []struct {
	name  string
	seed  int64
	cfg   chaos.Config
	flags []string
}{
	{"chaos-c5-k5-s1", 1, chaos.Config{Clients: 5}, []string{"-keys", "5"}},
	{"chaos-c10-k3-s2", 2, chaos.Config{Clients: 10}, []string{"-keys", "3"}},
	{"chaos-c20-k10-s3", 3, chaos.Config{Clients: 20, Duration: 20 * time.Second}, []string{"-keys", "10"}},
	{"chaos-c15-k1-s4", 4, chaos.Config{Clients: 15}, []string{"-keys", "1", "-unreliable"}},
	{"long-c1-k1-s5", 5, chaos.Config{Clients: 1, Think: time.Millisecond, Duration: 195 * time.Second}, []string{"-keys", "1"}},
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
				s := chaos.Run(t, "kvraft", rec.cfg, rec.flags...)
				ops = labtest.WorldOf(t).History().Operations()
				t.Logf("%s: %d operations (%d pending), verdict %s", rec.name, s.Ops, s.Pending, s.Verdict)
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
