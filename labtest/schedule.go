package labtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// ScheduleVersion is the version of the schedule format that this package
// writes and reads.
const ScheduleVersion = 1

// The kinds of Event.
const (
	KindCrash          = "crash"           // server crashed: killed, its Persister kept
	KindRestart        = "restart"         // server restarted from a copy of its Persister
	KindDisconnect     = "disconnect"      // server cut off from everyone
	KindConnect        = "connect"         // server reconnected
	KindPartition      = "partition"       // cluster split into groups
	KindCut            = "cut"             // one-way cut: from's calls to to are lost
	KindHeal           = "heal"            // partitions and cuts removed, servers reconnected
	KindReliable       = "reliable"        // network mode: reliable on/off
	KindLongReordering = "long-reordering" // network mode: long reordering on/off
	KindLongDelays     = "long-delays"     // network mode: long delays on/off
)

// Sources of events (Event.By).
const (
	ByTest        = "test"         // applied by the test's own code
	ByNemesis     = "nemesis"      // applied by a nemesis at a time of its choosing
	ByNemesisStop = "nemesis-stop" // applied by Nemesis.Stop to restore a healthy cluster
	BySchedule    = "schedule"     // applied by Cluster.Apply from a schedule
)

// A Schedule is a failure schedule: every fault the harness applied during
// one test, with its time on the test's clock. The harness records one for
// every test and writes it to schedule.json in the failure artefacts;
// DISTLAB_REPLAY runs a test under a recorded schedule, and Cluster.Apply
// plays a hand-written one.
//
// The JSON form (version 1) is one object:
//
//	{
//	  "version": 1,
//	  "seed": 42,
//	  "package": "distlab/raft",
//	  "test": "TestFigure8Unreliable",
//	  "servers": {"server": 5},
//	  "events": [
//	    {"at": "1.2s",  "kind": "partition", "by": "nemesis", "args": {"cluster": "server", "groups": [[0, 1], [2, 3, 4]]}},
//	    {"at": "2.5s",  "kind": "crash",     "by": "nemesis", "args": {"cluster": "server", "server": 3}},
//	    {"at": "3s",    "kind": "cut",       "args": {"cluster": "server", "from": 0, "to": 4}},
//	    {"at": "4s",    "kind": "reliable",  "args": {"on": false}},
//	    {"at": "6.25s", "kind": "heal",      "args": {"cluster": "server"}}
//	  ]
//	}
//
// "at" is a Go duration since the start of the test. "kind" is one of the
// Kind constants; "args" holds what the kind needs: "cluster" (the cluster's
// Name; may be omitted when the test has one cluster) with "server" for
// crash, restart, disconnect and connect, "groups" (server indices) for
// partition, "from" and "to" for cut, nothing more for heal, and "on" (a
// boolean) for the three network modes, which apply to the whole network.
// "by" says who applied the event (ByTest, ByNemesis, ByNemesisStop,
// BySchedule); it may be omitted in a hand-written schedule. "servers" maps
// each cluster's name to its number of servers. "seed", "package" and
// "test" say which run the schedule came from; a hand-written schedule may
// leave them out. "command" is set instead of "package" when the test ran
// outside go test (see Main).
type Schedule struct {
	Version int            `json:"version"`           // ScheduleVersion
	Seed    int64          `json:"seed"`              // the test's seed
	Package string         `json:"package,omitempty"` // import path of the test's package
	Test    string         `json:"test,omitempty"`    // the test's name (t.Name())
	Servers map[string]int `json:"servers,omitempty"` // servers of each cluster, by the cluster's name
	// Command is the command line that ran the test when it ran outside go
	// test, through Main (e.g. ["distlab", "chaos", "-n", "5"]).
	Command []string `json:"command,omitempty"`
	Events  []Event  `json:"events"` // in the order they were applied
}

// An Event is one fault in a Schedule. Which fields matter depends on Kind:
// see Schedule.
type Event struct {
	At      time.Duration // since the start of the test, on the test's clock
	Kind    string        // a Kind constant
	By      string        // a By constant: who applied it
	Cluster string        // the cluster's Name ("" for network modes)
	Server  int           // crash, restart, disconnect, connect
	Groups  [][]int       // partition
	From    int           // cut
	To      int           // cut
	On      bool          // reliable, long-reordering, long-delays
}

type eventArgs struct {
	Cluster string  `json:"cluster,omitempty"`
	Server  *int    `json:"server,omitempty"`
	Groups  [][]int `json:"groups,omitempty"`
	From    *int    `json:"from,omitempty"`
	To      *int    `json:"to,omitempty"`
	On      *bool   `json:"on,omitempty"`
}

type eventJSON struct {
	At   string    `json:"at"`
	Kind string    `json:"kind"`
	By   string    `json:"by,omitempty"`
	Args eventArgs `json:"args"`
}

// MarshalJSON writes the event as {"at", "kind", "by", "args"} with only the
// arguments its kind uses.
func (e Event) MarshalJSON() ([]byte, error) {
	j := eventJSON{At: e.At.String(), Kind: e.Kind, By: e.By, Args: eventArgs{Cluster: e.Cluster}}
	switch e.Kind {
	case KindCrash, KindRestart, KindDisconnect, KindConnect:
		j.Args.Server = &e.Server
	case KindPartition:
		j.Args.Groups = e.Groups
		if j.Args.Groups == nil {
			j.Args.Groups = [][]int{}
		}
	case KindCut:
		j.Args.From, j.Args.To = &e.From, &e.To
	case KindReliable, KindLongReordering, KindLongDelays:
		j.Args.On = &e.On
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads an event and checks that its kind is known and that
// it has the arguments its kind needs.
func (e *Event) UnmarshalJSON(b []byte) error {
	var j eventJSON
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	at, err := time.ParseDuration(j.At)
	if err != nil {
		return fmt.Errorf("\"at\": %q is not a Go duration such as \"1.5s\": %w", j.At, err)
	}
	*e = Event{At: at, Kind: j.Kind, By: j.By, Cluster: j.Args.Cluster}
	need := func(name string, p *int) (int, error) {
		if p == nil {
			return 0, fmt.Errorf("%s event needs args.%s", j.Kind, name)
		}
		return *p, nil
	}
	switch j.Kind {
	case KindCrash, KindRestart, KindDisconnect, KindConnect:
		e.Server, err = need("server", j.Args.Server)
	case KindPartition:
		if j.Args.Groups == nil {
			return fmt.Errorf("partition event needs args.groups, e.g. [[0,1],[2,3,4]]")
		}
		e.Groups = j.Args.Groups
	case KindCut:
		if e.From, err = need("from", j.Args.From); err == nil {
			e.To, err = need("to", j.Args.To)
		}
	case KindHeal:
	case KindReliable, KindLongReordering, KindLongDelays:
		if j.Args.On == nil {
			return fmt.Errorf("%s event needs args.on (true or false)", j.Kind)
		}
		e.On = *j.Args.On
	default:
		return fmt.Errorf("unknown event kind %q (known: %s)", j.Kind, strings.Join(kinds(), ", "))
	}
	return err
}

func kinds() []string {
	return []string{KindCrash, KindRestart, KindDisconnect, KindConnect, KindPartition, KindCut,
		KindHeal, KindReliable, KindLongReordering, KindLongDelays}
}

// String describes the event in a few words, e.g. "crash server-3" or
// "partition server [0 1] [2 3 4]".
func (e Event) String() string {
	c := e.Cluster
	if c == "" {
		c = "cluster"
	}
	switch e.Kind {
	case KindCrash, KindRestart, KindDisconnect, KindConnect:
		return fmt.Sprintf("%s %s", e.Kind, serverName(c, e.Server))
	case KindPartition:
		var b strings.Builder
		fmt.Fprintf(&b, "partition %s", c)
		for _, g := range e.Groups {
			fmt.Fprintf(&b, " %v", g)
		}
		return b.String()
	case KindCut:
		return fmt.Sprintf("cut %s -> %s", serverName(c, e.From), serverName(c, e.To))
	case KindHeal:
		return "heal " + c
	default:
		if e.On {
			return e.Kind + " on"
		}
		return e.Kind + " off"
	}
}

// IsFault reports whether the event is a fault — it makes the cluster less
// healthy: a crash, a disconnection, a partition, a cut, a network mode
// away from normal — rather than a repair (a restart, a reconnection, a
// heal, a mode back to normal). Summaries count faults with it.
func (e Event) IsFault() bool {
	switch e.Kind {
	case KindRestart, KindConnect, KindHeal:
		return false
	case KindReliable:
		return !e.On
	case KindLongReordering, KindLongDelays:
		return e.On
	}
	return true
}

// serverName is the labrpc server name of a cluster's server i.
func serverName(cluster string, i int) string { return fmt.Sprintf("%s-%d", cluster, i) }

// LoadSchedule reads a schedule file (for example one checked into a lab's
// testdata folder, or the schedule.json of a failure artefact) and checks
// it: the version, each event's kind and arguments, and that events are in
// time order. The error names the file and the offending event.
func LoadSchedule(path string) (*Schedule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading schedule: %w", err)
	}
	s, err := ParseSchedule(b)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: %w", path, err)
	}
	return s, nil
}

// ParseSchedule decodes and checks a schedule in its JSON form.
func ParseSchedule(b []byte) (*Schedule, error) {
	var raw struct {
		Version *int              `json:"version"`
		Seed    int64             `json:"seed"`
		Package string            `json:"package"`
		Test    string            `json:"test"`
		Servers map[string]int    `json:"servers"`
		Command []string          `json:"command"`
		Events  []json.RawMessage `json:"events"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a schedule (JSON object with version, seed, test, servers, events): %w", err)
	}
	if raw.Version == nil {
		return nil, errors.New(`missing "version" (this reader understands version 1)`)
	}
	if *raw.Version != ScheduleVersion {
		return nil, fmt.Errorf("schedule version is %d; this reader understands version %d", *raw.Version, ScheduleVersion)
	}
	s := &Schedule{Version: *raw.Version, Seed: raw.Seed, Package: raw.Package, Test: raw.Test, Servers: raw.Servers, Command: raw.Command}
	for i, r := range raw.Events {
		var e Event
		if err := json.Unmarshal(r, &e); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		if err := e.validate(s.Servers); err != nil {
			return nil, fmt.Errorf("event %d (%s at %v): %w", i, e.Kind, e.At, err)
		}
		if i > 0 && e.At < s.Events[i-1].At {
			return nil, fmt.Errorf("event %d at %v comes before event %d at %v: events must be in time order", i, e.At, i-1, s.Events[i-1].At)
		}
		s.Events = append(s.Events, e)
	}
	return s, nil
}

// validate checks the indices of the event against the cluster sizes, when
// they are known.
func (e Event) validate(servers map[string]int) error {
	if e.At < 0 {
		return fmt.Errorf("negative time %v", e.At)
	}
	n, known := servers[e.Cluster]
	if e.Cluster == "" && len(servers) == 1 {
		for _, v := range servers {
			n, known = v, true
		}
	}
	check := func(what string, i int) error {
		if i < 0 || (known && i >= n) {
			return fmt.Errorf("%s %d out of range (cluster %q has %d servers)", what, i, e.Cluster, n)
		}
		return nil
	}
	switch e.Kind {
	case KindCrash, KindRestart, KindDisconnect, KindConnect:
		return check("server", e.Server)
	case KindCut:
		if err := check("from", e.From); err != nil {
			return err
		}
		return check("to", e.To)
	case KindPartition:
		seen := map[int]bool{}
		for _, g := range e.Groups {
			for _, i := range g {
				if err := check("server", i); err != nil {
					return err
				}
				if seen[i] {
					return fmt.Errorf("server %d is in two groups", i)
				}
				seen[i] = true
			}
		}
	}
	return nil
}

// Marshal returns the schedule's JSON form, indented, one event per line.
func (s *Schedule) Marshal() ([]byte, error) {
	var b strings.Builder
	head := *s
	head.Events = nil
	h, err := json.Marshal(struct {
		Version int            `json:"version"`
		Seed    int64          `json:"seed"`
		Package string         `json:"package,omitempty"`
		Test    string         `json:"test,omitempty"`
		Servers map[string]int `json:"servers,omitempty"`
		Command []string       `json:"command,omitempty"`
	}{head.Version, head.Seed, head.Package, head.Test, head.Servers, head.Command})
	if err != nil {
		return nil, err
	}
	b.Write(h[:len(h)-1])
	b.WriteString(",\n  \"events\": [")
	for i, e := range s.Events {
		eb, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		b.Write(eb)
	}
	b.WriteString("\n  ]\n}\n")
	return []byte(b.String()), nil
}

// Faults returns the events in time order, without the seed and test:
// what to compare when asking whether two runs applied the same faults.
func (s *Schedule) Faults() []Event {
	out := append([]Event(nil), s.Events...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}

// recordLocked appends e, stamped with the current time and source, to the
// test's schedule. Caller holds w.mu.
func (w *World) recordLocked(by string, e Event) {
	e.At = w.Now()
	e.By = by
	w.events = append(w.events, e)
}

// Schedule returns the failure schedule recorded so far.
func (w *World) Schedule() *Schedule {
	w.mu.Lock()
	defer w.mu.Unlock()
	servers := map[string]int{}
	for k, v := range w.sizes {
		servers[k] = v
	}
	return &Schedule{
		Version: ScheduleVersion,
		Seed:    w.seed,
		Package: w.pkg,
		Test:    w.test,
		Servers: servers,
		Command: mainArgs,
		Events:  append([]Event(nil), w.events...),
	}
}
