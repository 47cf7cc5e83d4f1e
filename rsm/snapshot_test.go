package rsm

import (
	"testing"

	"distlab/labgob"

	"github.com/stretchr/testify/require"
)

type snapshotResult struct {
	Value string
	Found bool
}

func init() { labgob.Register(snapshotResult{}) }

func TestSnapshotRoundTripsTheDuplicateTableAndTheMachine(t *testing.T) {
	in := snapshotData{
		Index: 1234,
		Sessions: map[int64]session{
			7:       {Seq: 3},
			-9:      {Seq: 1 << 40, Result: snapshotResult{Value: "v", Found: true}},
			1 << 62: {Seq: 12, Result: "a string result"},
			42:      {Seq: 5, Result: snapshotResult{}},
		},
		Machine: []byte("the machine's own bytes"),
	}
	b, err := in.encode()
	require.NoError(t, err)
	var out snapshotData
	require.NoError(t, out.decode(b))
	require.Equal(t, in, out)

	empty := snapshotData{Index: 0}
	b, err = empty.encode()
	require.NoError(t, err)
	out = snapshotData{}
	require.NoError(t, out.decode(b))
	require.Equal(t, snapshotData{Sessions: map[int64]session{}}, out)
}

func TestSnapshotDecodeRejectsEveryTruncationAndTrailingBytes(t *testing.T) {
	in := snapshotData{Index: 9, Machine: []byte("m"),
		Sessions: map[int64]session{1: {Seq: 2}, 3: {Seq: 4, Result: snapshotResult{Value: "x"}}}}
	b, err := in.encode()
	require.NoError(t, err)
	for n := 0; n < len(b); n++ {
		var d snapshotData
		require.Error(t, d.decode(b[:n]), "a snapshot cut to %d of %d bytes decoded", n, len(b))
	}
	var d snapshotData
	require.ErrorContains(t, d.decode(append(b, 0)), "after its sessions")
}
