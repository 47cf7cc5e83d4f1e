package bench

import (
	"fmt"
	"path/filepath"
	"testing"

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
