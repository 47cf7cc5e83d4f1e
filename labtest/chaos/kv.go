package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"

	"distlab/porcupine/models"
)

// A KVClerk is a key/value lab's clerk as the KV workload drives it: the
// classic Get and Put, Close (give up: calls in progress return soon) and
// Closed (it was closed, so the last call's result does not count). Its
// Append has one of two forms, found by type assertion:
// Append(key, value string), the classic one (kvraft, shardkv), or
// Append(key, value string) string, which returns the value the key held
// (kvsrv) and which KV.AppendOld needs.
type KVClerk interface {
	Get(key string) string
	Put(key, value string)
	Close()
	Closed() bool
}

// appender and oldAppender are the two forms of a KVClerk's Append.
type (
	appender    interface{ Append(key, value string) }
	oldAppender interface {
		Append(key, value string) string
	}
)

// KV is the workload every key/value lab runs under chaos: each client
// performs a random mix of Gets, Puts and Appends on shared keys, every
// value it writes unique ("[client.n]"), recorded as models.KvInput and
// models.KvOutput for models.KvModel; the probe is a new clerk performing
// a few operations that must all return.
type KV struct {
	// Clerk makes a new clerk of the service; the layer closes it when its
	// client's context ends. Required.
	Clerk func() KVClerk
	// Key draws the key of one operation. Required.
	Key func(r *rand.Rand) string
	// Gets and Puts are the percentages of Gets and of Puts among the
	// operations; the rest are appends.
	Gets, Puts int
	// AppendOld makes the appends models.OpAppendOld, which return the old
	// value; the clerk's Append must then return it. Otherwise they are
	// models.OpAppend.
	AppendOld bool
	// Probe is what the probe's new clerk performs, in order; nil: a Put
	// of "healed" at key "probe", then a Get of it.
	Probe []models.KvInput
}

// Service returns the Service that runs the workload on clusters: its
// Client and Probe are the workload's; a lab may set the other fields.
// It panics, naming the mistake, if the workload is not well formed.
func (w KV) Service(clusters ...Faultable) Service {
	if w.Clerk == nil || w.Key == nil {
		panic("chaos.KV: Clerk and Key are required")
	}
	if w.Gets < 0 || w.Puts < 0 || w.Gets+w.Puts > 100 {
		panic(fmt.Sprintf("chaos.KV: Gets %d%% and Puts %d%% must be percentages that add up to at most 100", w.Gets, w.Puts))
	}
	probe := w.Probe
	if probe == nil {
		probe = []models.KvInput{{Op: models.OpPut, Key: "probe", Value: "healed"}, {Op: models.OpGet, Key: "probe"}}
	}
	return Service{
		Clusters: clusters,
		Client: func(ctx context.Context, id int, r *rand.Rand) func() Op {
			ck, j := w.clerk(ctx), 0
			return func() Op {
				j++
				in := models.KvInput{Op: models.OpAppend, Key: w.Key(r), Value: fmt.Sprintf("[%d.%d]", id, j)}
				if w.AppendOld {
					in.Op = models.OpAppendOld
				}
				if p := r.IntN(100); p < w.Gets {
					in.Op, in.Value = models.OpGet, ""
				} else if p < w.Gets+w.Puts {
					in.Op = models.OpPut
				}
				return op(ck, in)
			}
		},
		Probe: func(ctx context.Context, do func(Op) (any, bool)) error {
			ck := w.clerk(ctx)
			for _, in := range probe {
				if _, ok := do(op(ck, in)); !ok {
					return fmt.Errorf("a new client's %s did not return", models.KvModel.DescribeOperation(in, nil))
				}
			}
			return nil
		},
	}
}

// clerk makes a clerk that is closed when ctx ends, checking that it has
// the Append the workload needs.
func (w KV) clerk(ctx context.Context) KVClerk {
	ck := w.Clerk()
	_, plain := ck.(appender)
	_, old := ck.(oldAppender)
	switch {
	case w.AppendOld && !old:
		panic(fmt.Sprintf("chaos.KV: AppendOld needs Append(key, value string) string, which the clerk %T has not", ck))
	case w.Gets+w.Puts < 100 && !plain && !old:
		panic(fmt.Sprintf("chaos.KV: the clerk %T has no Append(key, value string)", ck))
	}
	context.AfterFunc(ctx, ck.Close)
	return ck
}

// op is the Op that performs in with ck; it is abandoned (ok false) if ck
// was closed meanwhile.
func op(ck KVClerk, in models.KvInput) Op {
	return Op{Input: in, Do: func() (any, bool) {
		var out models.KvOutput
		switch in.Op {
		case models.OpGet:
			out.Value = ck.Get(in.Key)
		case models.OpPut:
			ck.Put(in.Key, in.Value)
		case models.OpAppendOld:
			out.Value = ck.(oldAppender).Append(in.Key, in.Value)
		default:
			if a, ok := ck.(oldAppender); ok {
				a.Append(in.Key, in.Value)
			} else {
				ck.(appender).Append(in.Key, in.Value)
			}
		}
		return out, !ck.Closed()
	}}
}
