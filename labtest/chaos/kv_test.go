package chaos_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/require"

	"distlab/labtest/chaos"
	"distlab/porcupine/models"
)

// mapClerk is an in-memory key/value clerk without Append; oldClerk adds
// kvsrv's Append (returning the old value), plainClerk the classic one.
type mapClerk struct {
	mu     sync.Mutex
	data   map[string]string
	closed bool
}

func (c *mapClerk) Get(k string) string { c.mu.Lock(); defer c.mu.Unlock(); return c.data[k] }
func (c *mapClerk) Put(k, v string)     { c.mu.Lock(); defer c.mu.Unlock(); c.data[k] = v }
func (c *mapClerk) Close()              { c.mu.Lock(); defer c.mu.Unlock(); c.closed = true }
func (c *mapClerk) Closed() bool        { c.mu.Lock(); defer c.mu.Unlock(); return c.closed }

type oldClerk struct{ *mapClerk }

func (c oldClerk) Append(k, v string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.data[k]
	c.data[k] += v
	return old
}

type plainClerk struct{ *mapClerk }

func (c plainClerk) Append(k, v string) { oldClerk(c).Append(k, v) }

func TestKVClientsDrawTheConfiguredMixWithUniqueValuesAndRealOutputs(t *testing.T) {
	m := &mapClerk{data: map[string]string{}}
	w := chaos.KV{
		Clerk:     func() chaos.KVClerk { return oldClerk{m} },
		Key:       func(r *rand.Rand) string { return fmt.Sprint("k", r.IntN(3)) },
		Gets:      40,
		Puts:      20,
		AppendOld: true,
	}
	next := w.Service().Client(t.Context(), 7, rand.New(rand.NewPCG(1, 2)))
	const n = 4000
	count, values := map[uint8]int{}, map[string]bool{}
	for range n {
		o := next()
		in := o.Input.(models.KvInput)
		count[in.Op]++
		if in.Op != models.OpGet {
			require.False(t, values[in.Value], "value %q written twice", in.Value)
			values[in.Value] = true
		}
		before := m.Get(in.Key)
		out, ok := o.Do()
		require.True(t, ok)
		switch in.Op {
		case models.OpGet, models.OpAppendOld:
			require.Equal(t, before, out.(models.KvOutput).Value, "%+v", in)
		}
	}
	require.Zero(t, count[models.OpAppend], "AppendOld: every append returns the old value")
	for op, want := range map[uint8]int{models.OpGet: 40, models.OpPut: 20, models.OpAppendOld: 40} {
		require.InDelta(t, want, 100*count[op]/n, 3, "op %d: %d of %d", op, count[op], n)
	}
}

func TestKVOperationIsAbandonedOnceItsClientsContextEnds(t *testing.T) {
	w := chaos.KV{
		Clerk: func() chaos.KVClerk { return plainClerk{&mapClerk{data: map[string]string{}}} },
		Key:   func(*rand.Rand) string { return "k" },
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		next := w.Service().Client(ctx, 0, rand.New(rand.NewPCG(1, 2)))
		_, ok := next().Do()
		require.True(t, ok)
		cancel()
		synctest.Wait() // the clerk is closed from context.AfterFunc's goroutine
		_, ok = next().Do()
		require.False(t, ok, "the clerk was closed with the context: the result does not count")
	})
}

func TestKVProbeWritesThenReadsBackAndNamesTheOperationThatDidNotReturn(t *testing.T) {
	m := &mapClerk{data: map[string]string{}}
	w := chaos.KV{Clerk: func() chaos.KVClerk { return plainClerk{m} }, Key: func(*rand.Rand) string { return "k" }}
	var done []models.KvInput
	err := w.Service().Probe(t.Context(), func(o chaos.Op) (any, bool) {
		done = append(done, o.Input.(models.KvInput))
		return o.Do()
	})
	require.NoError(t, err)
	require.Equal(t, []models.KvInput{{Op: models.OpPut, Key: "probe", Value: "healed"}, {Op: models.OpGet, Key: "probe"}}, done)
	require.Equal(t, "healed", m.Get("probe"))

	err = w.Service().Probe(t.Context(), func(o chaos.Op) (any, bool) { return nil, false })
	require.ErrorContains(t, err, "probe")
}

func TestKVRejectsAClerkWithoutTheAppendTheMixNeeds(t *testing.T) {
	key := func(*rand.Rand) string { return "k" }
	w := chaos.KV{Clerk: func() chaos.KVClerk { return plainClerk{&mapClerk{}} }, Key: key, AppendOld: true}
	require.PanicsWithValue(t, "chaos.KV: AppendOld needs Append(key, value string) string, which the clerk chaos_test.plainClerk has not", func() {
		w.Service().Client(t.Context(), 0, rand.New(rand.NewPCG(1, 2)))
	})
	w = chaos.KV{Clerk: func() chaos.KVClerk { return &mapClerk{} }, Key: key, Gets: 50}
	require.PanicsWithValue(t, "chaos.KV: the clerk *chaos_test.mapClerk has no Append(key, value string)", func() {
		w.Service().Client(t.Context(), 0, rand.New(rand.NewPCG(1, 2)))
	})
	require.Panics(t, func() { chaos.KV{Clerk: w.Clerk, Key: key, Gets: 80, Puts: 30}.Service() })
}
