package bench

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"distlab/porcupine"
	"distlab/porcupine/models"

	upstream "github.com/anishathalye/porcupine"
)

type etcdFile struct {
	name string
	num  int
	ops  []rawOp
}

func loadEtcd(tb testing.TB) []etcdFile {
	dir, err := dataDir()
	if err != nil {
		tb.Skipf("upstream porcupine test data not found (%v); run from bench/ with the module cache populated", err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "jepsen", "etcd_*.log"))
	var files []etcdFile
	for _, p := range paths {
		var num int
		fmt.Sscanf(filepath.Base(p), "etcd_%d.log", &num)
		ops, err := parseEtcd(p)
		if err != nil {
			tb.Fatal(err)
		}
		if len(ops) == 0 {
			continue
		}
		files = append(files, etcdFile{filepath.Base(p), num, ops})
	}
	return files
}

func loadKv(tb testing.TB, name string) []rawOp {
	dir, err := dataDir()
	if err != nil {
		tb.Skipf("upstream porcupine test data not found (%v)", err)
	}
	ops, err := parseKv(filepath.Join(dir, "kv", name+".txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return kvOps(ops)
}

func TestVerdictsMatchUpstreamOnEtcdLogs(t *testing.T) {
	files := loadEtcd(t)
	if len(files) != 102 {
		t.Fatalf("found %d non-empty etcd logs, want 102", len(files))
	}
	linearizable := 0
	for _, f := range files {
		want := etcdLinearizable[f.num]
		if want {
			linearizable++
		}
		if got := porcupine.CheckOperations(ourEtcd, ours(f.ops)); got != want {
			t.Errorf("%s: ours says linearizable=%v, want %v", f.name, got, want)
		}
		if got := upstream.CheckOperations(theirEtcd, theirs(f.ops)); got != want {
			t.Errorf("%s: upstream says linearizable=%v, want %v (the parser or the etcd model is wrong)", f.name, got, want)
		}
	}
	if linearizable != 23 {
		t.Errorf("%d linearizable logs, want 23", linearizable)
	}
}

func TestVerdictsMatchUpstreamOnKvLogs(t *testing.T) {
	for _, name := range []string{"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"} {
		want := name[len(name)-2:] == "ok"
		ops := ours(loadKv(t, name))
		if got := porcupine.CheckOperations(models.KvModel, ops); got != want {
			t.Errorf("%s partitioned: ours says %v, want %v", name, got, want)
		}
		if got := upstream.CheckOperations(theirKv, theirs(loadKv(t, name))); got != want {
			t.Errorf("%s partitioned: upstream says %v, want %v", name, got, want)
		}
		if name[:3] != "c50" {
			if got := porcupine.CheckOperations(ourKvMap, ops); got != want {
				t.Errorf("%s unpartitioned: ours says %v, want %v", name, got, want)
			}
		}
	}
}

// TestOursGivesTheKnownVerdictOnEveryCase checks ours on every history the
// benchmarks use, in both encodings of an unreturned operation (closed at
// the end with an unknown output, as upstream needs, and pending), and
// upstream where it decides within a few seconds.
func TestOursGivesTheKnownVerdictOnEveryCase(t *testing.T) {
	cases, missing := Cases()
	for _, err := range missing {
		t.Logf("left out: %v", err)
	}
	for _, c := range cases {
		if testing.Short() && c.Group == GroupKvWhole {
			continue
		}
		want := "Illegal"
		if c.Want {
			want = "Ok"
		}
		if got := c.Ours(0); got != want {
			t.Errorf("%s/%s closed: ours says %s, want %s", c.Group, c.Name, got, want)
		}
		if c.OursPending != nil {
			if got := c.OursPending(0); got != want {
				t.Errorf("%s/%s pending: ours says %s, want %s", c.Group, c.Name, got, want)
			}
		}
		if c.Group == GroupKvWhole || c.Group == GroupKvraftLong {
			continue // upstream takes seconds to minutes
		}
		if got := c.Theirs(2 * time.Second); got != want && got != "Unknown" {
			t.Errorf("%s/%s: upstream says %s, want %s", c.Group, c.Name, got, want)
		}
	}
}
