package rsm

import (
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"

	"distlab/persister"

	"github.com/stretchr/testify/require"
)

// events is a LogChecker that records what it is told, as text.
type events struct {
	mu  sync.Mutex
	got []string
}

func (e *events) add(s string)                    { e.mu.Lock(); e.got = append(e.got, s); e.mu.Unlock() }
func (e *events) Apply(peer, index int, v string) { e.add("apply " + itoa(index)) }
func (e *events) Snapshot(peer, index int)        { e.add("snapshot " + itoa(index)) }
func (e *events) Restart(peer int)                { e.add("restart") }
func (e *events) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.got...)
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestObserveSeesEveryApplyInOrderAndTheRestoredSnapshot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newFakeGroup()
		ps := persister.MakePersister()
		start := func(ev *events) (*fakeLog, *RSM) {
			l := startFakeLog(g, 0, ps)
			r, err := Make(Config{Me: 0, Log: l, Persister: ps, MaxRaftState: 300, Machine: newCounters(),
				Rand: rand.New(rand.NewPCG(1, 0)), Observe: CheckWith(ev, 0)}, l.applyCh, func(m ApplyMsg) ApplyMsg { return m })
			require.NoError(t, err)
			return l, r
		}
		first := &events{}
		_, r := start(first)
		for i := 1; i <= 5; i++ {
			_, err := r.Submit(Request{ClientID: 1, Seq: int64(i), Command: add{"x", 1}})
			require.NoError(t, err)
		}
		synctest.Wait()
		require.Equal(t, []string{"restart", "apply 01", "apply 02", "apply 03", "apply 04", "apply 05"}, first.list())
		r.mu.Lock()
		snap := r.snapshotIndex
		r.mu.Unlock()
		require.Positive(t, snap, "maxraftstate 300 must have made a snapshot")
		r.Kill()

		second := &events{}
		_, r = start(second)
		defer r.Kill()
		_, err := r.Submit(Request{ClientID: 1, Seq: 6, Command: add{"x", 1}})
		require.NoError(t, err)
		synctest.Wait()
		got := second.list()
		require.Equal(t, []string{"restart", "snapshot " + itoa(snap)}, got[:2], "a restart first reports the snapshot it restored")
		for k, e := range got[2:] {
			require.Equal(t, "apply "+itoa(snap+1+k), e, "then every index after it, in order")
		}
		require.Equal(t, "apply 06", got[len(got)-1])
	})
}
