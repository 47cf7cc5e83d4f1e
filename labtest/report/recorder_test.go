package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/labrpc"
)

func msg(call uint64, kind labrpc.Kind, at time.Time, end, server, method string, fate labrpc.Fate) *labrpc.Message {
	return &labrpc.Message{Call: call, Kind: kind, Time: at, End: end, Server: server, Method: method, Bytes: 10, Fate: fate, Delay: time.Millisecond}
}

func owner(end any) string {
	s, _ := end.(string)
	return map[string]string{"e0": "server-0", "e1": "server-1", "c0": "client-0"}[s]
}

func TestRecorderKeepsTheLastMessagesOfARingAndCountsAll(t *testing.T) {
	start := time.Unix(0, 0)
	r := NewRecorder(start, 3)
	for i := 1; i <= 5; i++ {
		r.Observe(msg(uint64(i), labrpc.Request, start.Add(time.Duration(i)*time.Second), "e0", "server-1", "Raft.AppendEntries", labrpc.Delivered))
	}
	total, kept := r.Counts()
	require.Equal(t, 5, total)
	require.Equal(t, 3, kept)
	d := &Document{Version: Version, Lanes: []Lane{{Name: "server-0"}, {Name: "server-1"}}}
	r.Fill(d, owner)
	require.Equal(t, 5, d.MessagesTotal)
	require.Equal(t, 3, d.MessagesKept)
	var calls []int64
	for _, m := range d.Messages {
		calls = append(calls, m.Call)
	}
	require.Equal(t, []int64{3, 4, 5}, calls, "the last three, oldest first")
	require.Equal(t, int64(3*time.Second), d.Messages[0].Sent)
	require.Equal(t, int64(3*time.Second+time.Millisecond), d.Messages[0].Arrived)
}

func TestRecorderRingSpanningSeveralChunksKeepsTheLastMessagesInOrder(t *testing.T) {
	start := time.Unix(0, 0)
	ring := 2*ringChunk + 5
	for _, n := range []int{ringChunk + 1, ring, 3*ringChunk + 7} {
		r := NewRecorder(start, ring)
		for i := 1; i <= n; i++ {
			r.Observe(msg(uint64(i), labrpc.Request, start.Add(time.Duration(i)*time.Millisecond), "e0", "server-1", "Raft.AppendEntries", labrpc.Delivered))
		}
		total, kept := r.Counts()
		require.Equal(t, n, total)
		require.Equal(t, min(n, ring), kept)
		d := &Document{Version: Version, Lanes: []Lane{{Name: "server-0"}, {Name: "server-1"}}}
		r.Fill(d, owner)
		require.Len(t, d.Messages, kept)
		for k, m := range d.Messages {
			require.Equal(t, int64(n-kept+1+k), m.Call, "message %d of %d kept (of %d observed)", k, kept, n)
		}
	}
}

func TestRecorderDrawsAReplyFromTheServerBackToTheCaller(t *testing.T) {
	start := time.Unix(0, 0)
	r := NewRecorder(start, 0)
	r.Observe(msg(1, labrpc.Request, start, "c0", "server-1", "KV.Get", labrpc.Delivered))
	r.Observe(msg(1, labrpc.Reply, start.Add(time.Millisecond), "c0", "server-1", "KV.Get", labrpc.Dropped))
	r.Observe(msg(2, labrpc.Request, start, "stranger", "nowhere", "KV.Get", labrpc.NoServer))
	d := &Document{Version: Version, Lanes: []Lane{{Name: "server-1"}, {Name: "client-0", Client: true}}}
	r.Fill(d, owner)
	require.Equal(t, []string{"KV.Get"}, d.Methods)
	require.Equal(t, "dropped", d.Fates[d.Messages[2].Fate])
	req, rep := d.Messages[0], d.Messages[2]
	require.Equal(t, [2]int{1, 0}, [2]int{req.From, req.To}, "request: client-0 → server-1")
	require.Equal(t, [2]int{0, 1}, [2]int{rep.From, rep.To}, "reply: server-1 → client-0")
	unknown := d.Messages[1]
	require.Equal(t, -1, unknown.From, "an end the owner function cannot name has no lane")
	require.Equal(t, "nowhere", d.Lanes[unknown.To].Name, "a server not among the lanes gets one")
	_, err := Parse(mustMarshal(t, d))
	require.NoError(t, err)
}

func TestRecorderKeepsAStateOnlyWhenItChanges(t *testing.T) {
	r := NewRecorder(time.Now(), 0)
	r.State("server-0", State{Role: "follower", Term: 1})
	r.State("server-0", State{Role: "follower", Term: 1})
	r.State("server-1", State{Role: "follower", Term: 1})
	r.State("server-0", State{Role: "leader", Term: 1})
	r.Down("server-0")
	r.Violation("server-1", "election safety: two leaders")
	d := &Document{Version: Version}
	r.Fill(d, owner)
	var roles []string
	for _, s := range d.States {
		roles = append(roles, d.Lanes[s.Lane].Name+" "+s.Role)
	}
	require.Equal(t, []string{"server-0 follower", "server-1 follower", "server-0 leader", "server-0 " + RoleDown}, roles)
	require.Len(t, d.Violations, 1)
	require.Equal(t, "server-1", d.Lanes[d.Violations[0].Lane].Name)
}

func TestParseLogReadsLablogLinesIntoLanes(t *testing.T) {
	text := "12 VOTE S0 votes for S1 in term 2\n" +
		"13 LEAD S1 becomes leader\n" +
		"a line of the test's own\n" +
		"15 APPLY S7 applied 3\n"
	lines := ParseLog([]byte(text), func(id int) int {
		if id < 2 {
			return id
		}
		return -1
	})
	require.Equal(t, []LogLine{
		{At: 12e6, Lane: 0, Topic: "VOTE", Text: "votes for S1 in term 2"},
		{At: 13e6, Lane: 1, Topic: "LEAD", Text: "becomes leader"},
		{At: 13e6, Lane: -1, Text: "a line of the test's own"},
		{At: 15e6, Lane: -1, Topic: "APPLY", Text: "applied 3"},
	}, lines)
}

func mustMarshal(t *testing.T, d *Document) []byte {
	t.Helper()
	b, err := d.Marshal()
	require.NoError(t, err)
	return b
}

// BenchmarkObserve measures what recording one message costs the caller:
// the observer's work on the calling goroutine, with the ring full.
func BenchmarkObserve(b *testing.B) {
	start := time.Now()
	r := NewRecorder(start, 1024)
	m := msg(1, labrpc.Request, start.Add(time.Second), "server-0>server-1@0", "server-1", "Raft.AppendEntries", labrpc.Delivered)
	for b.Loop() {
		r.Observe(m)
	}
}
