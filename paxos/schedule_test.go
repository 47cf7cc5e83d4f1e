package paxos_test

import (
	"distlab/paxos/paxostest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labrpc"
	"distlab/labtest"
)

// proposal is one Start of a hand-written case, at a time of the test's
// clock.
type proposal struct {
	at       time.Duration
	peer     int
	seq      int
	v        string
	repeated int // proposed again every 100 ms this many more times
}

// TestHandWrittenSchedulesKeepAgreement plays the failure schedules of
// testdata/ against proposals at set times, on a network where every
// message takes exactly 50 ms, so that each fault lands between two known
// steps of the protocol. The agreement checker watches throughout; want
// names the value an instance must end with, where the case forces one.
func TestHandWrittenSchedulesKeepAgreement(t *testing.T) {
	cases := []struct {
		file      string
		proposals []proposal
		want      map[int]string
	}{
		// Peer 0 proposes A at 1.0 s: prepares arrive at 1.05, promises
		// at 1.10, accepts at 1.15. Peer 0 crashes at 1.17, before the
		// accepted replies (1.20) could tell it the value is chosen, and
		// peer 1, an acceptor, with it. Peer 3 then proposes B: the
		// accepted A must win. The second instance repeats the crash
		// with peer 2 proposing C at 2.0 s and crashing between its
		// accept and its decision; peer 4 proposes D.
		{"crash-between-accept-and-decide.json", []proposal{
			{at: time.Second, peer: 0, seq: 0, v: "A"},
			{at: 1500 * time.Millisecond, peer: 3, seq: 0, v: "B"},
			{at: 2 * time.Second, peer: 2, seq: 1, v: "C"},
			{at: 2500 * time.Millisecond, peer: 4, seq: 1, v: "D"},
		}, map[int]string{0: "A", 1: "C"}},
		// Peers 0 and 1 propose for the same instances at the same
		// instants, over and over; cuts at the moment their prepares
		// cross let each spoil the other's accept, then reordering and
		// loss. Backoff must settle every instance.
		{"dueling-proposers.json", []proposal{
			{at: time.Second, peer: 0, seq: 0, v: "p0", repeated: 10},
			{at: time.Second, peer: 1, seq: 0, v: "p1", repeated: 10},
			{at: time.Second, peer: 2, seq: 1, v: "q2", repeated: 10},
			{at: time.Second, peer: 1, seq: 1, v: "q1", repeated: 10},
			{at: 2 * time.Second, peer: 0, seq: 2, v: "r0", repeated: 30},
			{at: 2 * time.Second, peer: 1, seq: 2, v: "r1", repeated: 30},
			{at: 2 * time.Second, peer: 2, seq: 2, v: "r2", repeated: 30},
		}, nil},
	}
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	require.Len(t, files, len(cases), "every schedule in testdata/ needs a case here")
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			run(t, func(t *testing.T) {
				s, err := labtest.LoadSchedule(filepath.Join("testdata", tc.file))
				require.NoError(t, err)
				n := s.Servers["server"]
				c := paxostest.New(t, n)
				fixed := labrpc.Uniform(50*time.Millisecond, 50*time.Millisecond)
				c.World().Network().SetFaults(&labrpc.Faults{RequestDelay: fixed, ReplyDelay: fixed})
				start := time.Now()
				nem := c.Apply(s)
				seqs := map[int]bool{}
				for _, p := range tc.proposals {
					seqs[p.seq] = true
					go func() {
						time.Sleep(p.at - time.Since(start))
						for range p.repeated + 1 {
							c.Start(p.peer, p.seq, p.v)
							time.Sleep(100 * time.Millisecond)
						}
					}()
				}
				nem.Wait()
				c.Heal()
				for seq := range seqs {
					c.WaitAll(seq)
					if want, ok := tc.want[seq]; ok {
						_, v := c.Peer(0).Status(seq)
						require.Equal(t, want, v, "instance %d", seq)
					}
				}
			})
		})
	}
}
