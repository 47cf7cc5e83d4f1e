package bench

import (
	"fmt"
	"path/filepath"
	"time"

	"distlab/porcupine"
	"distlab/porcupine/models"

	upstream "github.com/anishathalye/porcupine"
)

// A Case is one history, prepared for both checkers on identical input: an
// operation that never returned is given to both as one that returns after
// everything else with an unknown (nil) output, which is what a program that
// switches its import from upstream to ours and keeps its code passes.
type Case struct {
	Group string // which set of histories it belongs to (see Groups)
	Name  string
	Want  bool // the known verdict: linearizable or not
	Ops   int  // operations in the history
	// Ours and Theirs check the closed history with the given timeout and
	// return the verdict: "Ok", "Illegal" or "Unknown".
	Ours, Theirs func(timeout time.Duration) string
	// OursPending checks the history with its unreturned operations given
	// as pending (Return NoReturn), a form only ours accepts; nil when the
	// history has none.
	OursPending func(timeout time.Duration) string
	// CountSteps checks the closed history once with each checker, its
	// model's Step wrapped in a counter, and returns what each asked of the
	// model and each verdict.
	CountSteps func(timeout time.Duration) (ours, theirs StepCount, ourVerdict, theirVerdict string)
}

// The groups of cases, in the order a report lists them.
const (
	GroupEtcd          = "etcd"
	GroupKvPartitioned = "kv partitioned"
	GroupKvWhole       = "kv c10 unpartitioned"
	GroupKvraft        = "kvraft many clients/keys"
	GroupKvraftLong    = "kvraft one key, long"
	GroupGenerated     = "generated"
	GroupSmall         = "10-op histories"
)

// Groups lists the groups Cases returns, in order.
var Groups = []string{GroupEtcd, GroupKvPartitioned, GroupKvWhole, GroupKvraft, GroupKvraftLong, GroupGenerated, GroupSmall}

// Cases loads every case: upstream's test data (found in the module cache),
// the recorded kvraft histories in testdata/ and the generated ones. A source
// that cannot be found is reported in missing and left out.
func Cases() (cases []Case, missing []error) {
	dir, err := dataDir()
	if err != nil {
		missing = append(missing, err)
	} else {
		etcd, err := etcdCases(dir)
		if err != nil {
			missing = append(missing, err)
		}
		cases = append(cases, etcd...)
		kv, err := kvCases(dir)
		if err != nil {
			missing = append(missing, err)
		}
		cases = append(cases, kv...)
	}
	rec, err := kvraftCases()
	if err != nil {
		missing = append(missing, err)
	}
	cases = append(cases, rec...)
	cases = append(cases, generatedCases()...)
	return cases, missing
}

func etcdCases(dir string) ([]Case, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, "jepsen", "etcd_*.log"))
	var cases []Case
	for _, p := range paths {
		var num int
		fmt.Sscanf(filepath.Base(p), "etcd_%d.log", &num)
		raw, err := parseEtcd(p)
		if err != nil {
			return cases, err
		}
		if len(raw) == 0 {
			continue
		}
		cases = append(cases, newCase(GroupEtcd, fmt.Sprintf("etcd_%03d", num), etcdLinearizable[num], raw, ourEtcd, theirEtcd))
	}
	return cases, nil
}

func kvCases(dir string) ([]Case, error) {
	var cases []Case
	for _, name := range []string{"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"} {
		raw, err := parseKv(filepath.Join(dir, "kv", name+".txt"))
		if err != nil {
			return cases, err
		}
		raw = kvOps(raw)
		want := name[len(name)-2:] == "ok"
		cases = append(cases, newCase(GroupKvPartitioned, name, want, raw, models.KvModel, theirKv))
		if name[:3] == "c10" {
			cases = append(cases, newCase(GroupKvWhole, name, want, raw, ourKvMap, theirKvMap))
		}
	}
	return cases, nil
}

// newCase prepares raw for both checkers with the models given.
func newCase(group, name string, want bool, raw []rawOp, ourModel porcupine.Model, theirModel upstream.Model) Case {
	closed, theirsOps := oursClosed(raw), theirs(raw)
	c := Case{Group: group, Name: name, Want: want, Ops: len(raw),
		Ours: func(timeout time.Duration) string {
			return string(porcupine.CheckOperationsTimeout(ourModel, closed, timeout))
		},
		Theirs: func(timeout time.Duration) string {
			return string(upstream.CheckOperationsTimeout(theirModel, theirsOps, timeout))
		},
		CountSteps: func(timeout time.Duration) (StepCount, StepCount, string, string) {
			return countSteps(ourModel, closed, theirModel, theirsOps, timeout)
		},
	}
	for _, r := range raw {
		if r.ret < 0 {
			pending := ours(raw)
			c.OursPending = func(timeout time.Duration) string {
				return string(porcupine.CheckOperationsTimeout(ourModel, pending, timeout))
			}
			break
		}
	}
	return c
}
