package kvraft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStoreSnapshotRoundTripsEveryKeyAndValue(t *testing.T) {
	s := newStore()
	s.Apply(command{Kind: kindPut, Key: "a", Value: "1"})
	s.Apply(command{Kind: kindPut, Key: "", Value: "empty key"})
	s.Apply(command{Kind: kindPut, Key: "empty value", Value: ""})
	s.Apply(command{Kind: kindAppend, Key: "long", Value: string(make([]byte, 300))})
	r := newStore()
	require.NoError(t, r.Restore(s.Snapshot()))
	require.Equal(t, s.data, r.data)

	require.NoError(t, r.Restore(newStore().Snapshot()))
	require.Empty(t, r.data)
}

func TestStoreRestoreRejectsCorruptSnapshotsAndKeepsItsData(t *testing.T) {
	s := newStore()
	s.Apply(command{Kind: kindPut, Key: "k", Value: "v"})
	s.Apply(command{Kind: kindPut, Key: "k2", Value: "v2"})
	snap := s.Snapshot()
	r := newStore()
	r.Apply(command{Kind: kindPut, Key: "mine", Value: "kept"})
	for n := 0; n < len(snap); n++ {
		require.Error(t, r.Restore(snap[:n]), "a snapshot cut to %d of %d bytes was restored", n, len(snap))
	}
	require.ErrorContains(t, r.Restore(append(snap, 'x')), "after its 2 keys")
	require.Equal(t, map[string]string{"mine": "kept"}, r.data)
}
