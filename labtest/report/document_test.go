package report

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// knownRun is a small run with every kind of content: three servers and two
// clients, heartbeats and votes (some lost), states, faults, a history whose
// fourth operation cannot be linearized, log lines and two violations.
func knownRun() *Document {
	ms := int64(time.Millisecond)
	d := &Document{Version: Version, Test: "TestKnownRun", Package: "distlab/example", Seed: 7, Failed: true, End: 2000 * ms,
		Lanes: []Lane{{Name: "server-0", Cluster: "server"}, {Name: "server-1", Cluster: "server"}, {Name: "server-2", Cluster: "server"},
			{Name: "client-0", Client: true}, {Name: "client-1", Client: true}},
		Methods: []string{"Raft.AppendEntries", "Raft.RequestVote", "KV.Put"},
		Fates:   []string{"delivered", "dropped", "duplicated", "disabled", "no-server", "server-dead", "closed"},
	}
	call := int64(0)
	add := func(from, to, method int, at int64, fate int) {
		call++
		d.Messages = append(d.Messages, Message{Call: call, From: from, To: to, Method: method, Sent: at, Arrived: at + 3*ms, Bytes: 100, Fate: fate})
		if fate == 0 {
			d.Messages = append(d.Messages, Message{Call: call, Kind: 1, From: to, To: from, Method: method, Sent: at + 3*ms, Arrived: at + 5*ms, Bytes: 20})
		}
	}
	for k := int64(0); k < 100; k++ {
		at := 100*ms + k*15*ms
		fate := 0
		if k%25 == 7 {
			fate = 1 // dropped: no reply
		}
		add(0, 1+int(k%2), 0, at, fate)
		if k%10 == 0 {
			add(1, 0, 1, at+ms, 0)
		}
	}
	add(3, 0, 2, 1000*ms, 0)
	add(4, 0, 2, 1200*ms, 0)
	sort.SliceStable(d.Messages, func(i, j int) bool { return d.Messages[i].Sent < d.Messages[j].Sent })
	d.MessagesTotal, d.MessagesKept = len(d.Messages), len(d.Messages)
	d.States = []StateAt{{Lane: 0, At: 50 * ms, State: State{Role: "leader", Term: 1}}, {Lane: 1, At: 50 * ms, State: State{Role: "follower", Term: 1}},
		{Lane: 2, At: 50 * ms, State: State{Role: "follower", Term: 1}}, {Lane: 2, At: 900 * ms, State: State{Role: RoleDown}}}
	d.Faults = []Fault{{Lane: "server-2", Start: 900 * ms, End: 1500 * ms, Text: "crashed", Colour: "#f8c4c4"},
		{Lane: "server network", Start: 400 * ms, End: 700 * ms, Text: "partition server [0 1] [2]", Colour: "#f8c4c4"}}
	d.History = &History{Model: "kv", Verdict: "illegal", Bad: 3, Ops: []Op{
		{Client: 0, Call: 990 * ms, Return: 1010 * ms, Desc: "put('x', '1')", Lin: 0},
		{Client: 1, Call: 1190 * ms, Return: 1210 * ms, Desc: "put('x', '2')", Lin: 1},
		{Client: 0, Call: 1300 * ms, Return: -1, Desc: "get('x') → pending", Lin: -1},
		{Client: 1, Call: 1400 * ms, Return: 1450 * ms, Desc: "get('x') → '1'", Lin: -1},
	}}
	for k := int64(0); k < 30; k++ {
		d.Logs = append(d.Logs, LogLine{At: 60*ms + k*50*ms, Lane: int(k % 3), Topic: "APPEND", Text: "appends through " + string(rune('a'+k%26))})
	}
	d.Logs = append(d.Logs, LogLine{At: 800 * ms, Lane: 1, Topic: "VOTE", Text: "grants vote to S2 in term 2"})
	d.Violations = []Violation{{At: 1450 * ms, Lane: -1, Text: "linearizability: client 1's get('x') → '1' cannot follow"},
		{At: 1100 * ms, Lane: 0, Text: "election safety: S0 and S1 both led term 2"}}
	return d
}

func TestDocumentRoundTripsThroughJSON(t *testing.T) {
	d := knownRun()
	got, err := Parse(mustMarshal(t, d))
	require.NoError(t, err)
	require.Equal(t, d, got)
}

func TestLoadNamesTheFileAndThePlaceOfATruncatedDocument(t *testing.T) {
	b := mustMarshal(t, knownRun())
	path := filepath.Join(t.TempDir(), JSONFile)
	cut := len(b) / 2
	require.NoError(t, os.WriteFile(path, b[:cut], 0o644))
	_, err := Load(path)
	require.Error(t, err)
	line, col := position(b, int64(cut))
	require.Contains(t, err.Error(), path+": line ")
	require.Contains(t, err.Error(), "ends early (truncated?)")
	require.Contains(t, err.Error(), "line "+itoa(line)+", column "+itoa(col))
}

func TestLoadNamesTheElementOfACorruptDocument(t *testing.T) {
	b := string(mustMarshal(t, knownRun()))
	cases := []struct{ name, from, to, want string }{
		{"a message with a field missing", "[4,0,0,1,0,", "[4,0,0,1,", "messages[6]: a message is an array of 9 integers"},
		{"a message to a lane that does not exist", "[4,0,0,1,0,", "[4,0,0,9,0,", "messages[6]: lane 0 or 9 out of range (5 lanes)"},
		{"a state with a field missing", `[1,50000000,"follower",1,0,0]`, `[1,50000000,"follower",1,0]`, `states[1]: a state is an array [lane, at, role, term, commit, applied]`},
		{"a log line with a number for its text", `[110000000,1,"APPEND","appends through b"]`, `[110000000,1,"APPEND",7]`, `logs[1]: element 3 of [110000000,1,"APPEND",7]: json: cannot unmarshal number`},
		{"garbage in the middle", `"methods":[`, `"methods":[}`, "line 5, column 48"},
		{"another version", `"version":1`, `"version":2`, "version 2: this distlab reads run reports of version 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, b, c.from)
			path := filepath.Join(t.TempDir(), JSONFile)
			require.NoError(t, os.WriteFile(path, []byte(strings.Replace(b, c.from, c.to, 1)), 0o644))
			_, err := Load(path)
			require.Error(t, err)
			require.Contains(t, err.Error(), path+": ")
			require.Contains(t, err.Error(), c.want)
		})
	}
}

func TestRebuildWritesThePageFromTheDocument(t *testing.T) {
	dir := t.TempDir()
	_, err := Write(dir, knownRun())
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, HTMLFile)))
	page, err := Rebuild(dir)
	require.NoError(t, err)
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	require.Contains(t, string(b), "<title>distlab run report: TestKnownRun</title>")
	require.NotContains(t, string(b), "{{.", "every placeholder is filled")
	require.NotRegexp(t, `(src|href)="(https?:)?//`, string(b), "the page loads nothing from the network")
}

func itoa(i int) string { return strconv.Itoa(i) }
