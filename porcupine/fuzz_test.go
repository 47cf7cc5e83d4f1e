package porcupine_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

// agreementCase checks one random history, chosen by seed, against the brute
// force reference; it returns the reference verdict and a description of any
// disagreement.
func agreementCase(seed uint64, nOps int) (bool, string) {
	r := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	var model porcupine.Model
	var op func(*rand.Rand) (interface{}, interface{})
	switch seed % 3 {
	case 0:
		model, op = models.RegisterModel, randomRegisterOp
	case 1:
		model, op = models.KvModel, randomKvOp
	default:
		model, op = models.QueueModel, randomQueueOp
	}
	ops := randomHistory(r, nOps, op)
	want := bruteForce(model, ops)
	got := porcupine.CheckOperations(model, ops)
	if got != want {
		return want, fmt.Sprintf("seed %d: checker says %v, brute force %v, history %+v", seed, got, want, ops)
	}
	if seed%3 == 1 {
		// The same history against one model of the whole store: partitioning
		// by key must not change the verdict.
		if got := porcupine.CheckOperations(wholeStoreModel, ops); got != want {
			return want, fmt.Sprintf("seed %d: unpartitioned checker says %v, partitioned brute force %v, history %+v", seed, got, want, ops)
		}
		if got := bruteForce(wholeStoreModel, ops); got != want {
			return want, fmt.Sprintf("seed %d: unpartitioned brute force says %v, partitioned %v, history %+v", seed, got, want, ops)
		}
	}
	// Unreturned operations closed at the end with an unknown output (the
	// form upstream porcupine needs) must get the brute force's verdict on
	// that closed history.
	closed := closeAtEnd(ops)
	if got, want := porcupine.CheckOperations(model, closed), bruteForce(model, closed); got != want {
		return want, fmt.Sprintf("seed %d: closed at the end, checker says %v, brute force %v, history %+v", seed, got, want, closed)
	}
	events := toEvents(ops)
	if got := porcupine.CheckEvents(model, events); got != want {
		return want, fmt.Sprintf("seed %d: event checker says %v, brute force %v, history %+v", seed, got, want, ops)
	}
	return want, ""
}

func FuzzCheckerAgreesWithBruteForce(f *testing.F) {
	for seed := uint64(0); seed < 200; seed++ {
		f.Add(seed, uint8(seed%8))
	}
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		if _, msg := agreementCase(seed, 1+int(n%8)); msg != "" {
			t.Fatal(msg)
		}
	})
}

func TestCheckerAgreesWithBruteForceOnRandomHistories(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 300
	}
	linearizable := 0
	for seed := uint64(1000); seed < uint64(1000+n); seed++ {
		ok, msg := agreementCase(seed, 2+int(seed%7))
		if msg != "" {
			t.Fatal(msg)
		}
		if ok {
			linearizable++
		}
	}
	// The generator must exercise both verdicts, or agreement means little.
	if linearizable < n/5 || linearizable > 4*n/5 {
		t.Fatalf("%d of %d random histories are linearizable; the generator is too one-sided", linearizable, n)
	}
}

// closeAtEnd returns ops with each pending operation returning after
// everything else, its output unknown (nil).
func closeAtEnd(ops []porcupine.Operation) []porcupine.Operation {
	end := int64(0)
	for _, op := range ops {
		end = max(end, op.Call)
		if op.Return != porcupine.NoReturn {
			end = max(end, op.Return)
		}
	}
	closed := append([]porcupine.Operation(nil), ops...)
	for i := range closed {
		if closed[i].Return == porcupine.NoReturn {
			closed[i].Return = end + 1
		}
	}
	return closed
}

// toEvents turns operations into events in time order (calls before returns
// at the same instant, as intervals are closed); a pending operation has no
// return event.
func toEvents(ops []porcupine.Operation) []porcupine.Event {
	type stamped struct {
		t   int64
		ret bool
		e   porcupine.Event
	}
	var evs []stamped
	for i, op := range ops {
		evs = append(evs, stamped{op.Call, false, porcupine.Event{ClientId: op.ClientId, Kind: porcupine.CallEvent, Value: op.Input, Id: i}})
		if op.Return != porcupine.NoReturn {
			evs = append(evs, stamped{op.Return, true, porcupine.Event{ClientId: op.ClientId, Kind: porcupine.ReturnEvent, Value: op.Output, Id: i}})
		}
	}
	sort.SliceStable(evs, func(a, b int) bool {
		if evs[a].t != evs[b].t {
			return evs[a].t < evs[b].t
		}
		return !evs[a].ret && evs[b].ret
	})
	out := make([]porcupine.Event, len(evs))
	for i, e := range evs {
		out[i] = e.e
	}
	return out
}

// twoKeys is the whole state of a key/value store with keys "a" and "b".
type twoKeys struct{ a, b string }

// wholeStoreModel is models.KvModel without partitioning: one state holds
// both keys (randomKvOp uses only "a" and "b").
var wholeStoreModel = porcupine.Model{
	Init: func() interface{} { return twoKeys{} },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		st, in := state.(twoKeys), input.(models.KvInput)
		v := &st.a
		if in.Key == "b" {
			v = &st.b
		}
		ok, next := models.KvModel.Step(*v, input, output)
		*v = next.(string)
		return ok, st
	},
}
