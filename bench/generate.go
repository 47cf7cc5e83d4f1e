package bench

import (
	"fmt"
	"math/rand/v2"

	"distlab/porcupine/models"

	upstream "github.com/anishathalye/porcupine"
)

// The generated histories have verdicts known by construction. An "ok" one
// is recorded from a sequential run: every operation takes effect at an
// instant inside its interval, in increasing order, so that order is a
// linearization. A "bad" one is the same history with one read's output
// replaced by a value no operation ever writes, which no linearization can
// explain.

// genSpec describes one generated history.
type genSpec struct {
	register bool // a register (read/write/cas) rather than a kv store
	ops      int
	clients  int
	keys     int   // kv only
	spread   int64 // how far a call and a return may be from the instant the operation takes effect (in steps of 10)
	pending  bool  // some clients crash, leaving an operation that never returns
}

// genSpecs are the generated histories: small to large, few to many
// clients, short to long intervals (more concurrency), with and without
// unreturned operations.
func genSpecs() []genSpec {
	var specs []genSpec
	for _, reg := range []bool{false, true} {
		specs = append(specs, genSpec{register: reg, ops: 10, clients: 3, keys: 1, spread: 2})
	}
	for _, reg := range []bool{false, true} {
		for _, ops := range []int{20, 200, 2000} {
			for _, clients := range []int{2, 5, 10} {
				for _, spread := range []int64{1, 4} {
					keys := 1
					if !reg && ops >= 200 {
						keys = 3
					}
					specs = append(specs, genSpec{register: reg, ops: ops, clients: clients, keys: keys, spread: spread, pending: clients > 2})
				}
			}
		}
	}
	return specs
}

func generatedCases() []Case {
	var cases []Case
	for i, spec := range genSpecs() {
		r := rand.New(rand.NewPCG(uint64(i), 0x9e3779b97f4a7c15))
		raw := generate(r, spec)
		kind := "kv"
		if spec.register {
			kind = "register"
		}
		name := fmt.Sprintf("%s-n%d-c%d-s%d", kind, spec.ops, spec.clients, spec.spread)
		group := GroupGenerated
		if spec.ops <= 10 {
			group = GroupSmall
		}
		bad := spoil(r, raw, spec.register)
		if spec.register {
			cases = append(cases, newCase(group, name+"-ok", true, raw, models.RegisterModel, theirRegister))
			if bad != nil {
				cases = append(cases, newCase(group, name+"-bad", false, bad, models.RegisterModel, theirRegister))
			}
			continue
		}
		cases = append(cases, newCase(group, name+"-ok", true, raw, models.KvModel, theirKv))
		if bad != nil {
			cases = append(cases, newCase(group, name+"-bad", false, bad, models.KvModel, theirKv))
		}
	}
	return cases
}

// theirRegister is models.RegisterModel for upstream.
var theirRegister = upstream.Model{
	Init: models.RegisterModel.Init,
	Step: models.RegisterModel.Step,
}

// generate runs spec's clients against a sequential object and records what
// they saw. Operation k takes effect at time 10k; its call is up to
// 10*spread before, its return up to 10*spread after, and a client's next
// call comes after its previous return.
func generate(r *rand.Rand, spec genSpec) []rawOp {
	free := make([]int64, spec.clients) // when each client may call next; -1: crashed
	reg := 0
	kv := map[string]string{}
	var ops []rawOp
	crashed := 0
	for k := 0; len(ops) < spec.ops; k++ {
		at := int64(10 * (k + 1))
		c := r.IntN(spec.clients)
		if free[c] < 0 || free[c] > at {
			continue // busy or crashed: nobody takes effect at this instant
		}
		call := max(free[c], at-r.Int64N(10*spec.spread+1))
		ret := at + r.Int64N(10*spec.spread+1)
		op := rawOp{client: c, call: call, ret: ret}
		if spec.register {
			in := models.RegisterInput{Op: uint8(r.IntN(3)), Value: r.IntN(5), Expect: r.IntN(5)}
			out := models.RegisterOutput{}
			switch in.Op {
			case models.RegisterRead:
				out.Value = reg
			case models.RegisterWrite:
				reg = in.Value
			case models.RegisterCAS:
				out.Ok = reg == in.Expect
				if out.Ok {
					reg = in.Value
				}
			}
			op.input, op.output = in, out
		} else {
			key := fmt.Sprintf("k%d", r.IntN(spec.keys))
			in := models.KvInput{Op: uint8(r.IntN(3)), Key: key, Value: fmt.Sprintf("%d.", len(ops))}
			out := models.KvOutput{}
			switch in.Op {
			case models.OpGet:
				out.Value = kv[key]
			case models.OpPut:
				kv[key] = in.Value
			case models.OpAppend:
				kv[key] += in.Value
			}
			op.input, op.output = in, out
		}
		free[c] = ret + 1
		if spec.pending && r.IntN(50) == 0 && crashed < spec.clients-1 {
			crashed++
			op.ret, op.output = -1, nil // it took effect, but its client never heard back
			free[c] = -1
		}
		ops = append(ops, op)
	}
	return ops
}

// spoil returns a copy of ops with the output of a read near the middle
// replaced by a value that is never written, or nil if there is no
// returned read.
func spoil(r *rand.Rand, ops []rawOp, register bool) []rawOp {
	var reads []int
	for i, op := range ops {
		if op.ret < 0 {
			continue
		}
		switch in := op.input.(type) {
		case models.RegisterInput:
			if in.Op == models.RegisterRead {
				reads = append(reads, i)
			}
		case models.KvInput:
			if in.Op == models.OpGet {
				reads = append(reads, i)
			}
		}
	}
	if len(reads) == 0 {
		return nil
	}
	i := reads[len(reads)/4+r.IntN(len(reads)/2+1)]
	bad := append([]rawOp(nil), ops...)
	if register {
		bad[i].output = models.RegisterOutput{Value: -1}
	} else {
		bad[i].output = models.KvOutput{Value: bad[i].output.(models.KvOutput).Value + "never"}
	}
	return bad
}
