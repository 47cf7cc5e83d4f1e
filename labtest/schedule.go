package labtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// scheduleVersion is the version of the schedule format that this package
// writes and reads.
const scheduleVersion = 1

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
// Name; may be omitted when the test has one cluster) with
//
//   - "server" (an index) for crash, restart, disconnect, connect and pause;
//   - "groups" (lists of server indices) for partition;
//   - "from" and "to" (indices: from's calls to to) for cut, slow, lossy
//     and duplicate;
//   - "on" (a boolean) for the network modes reliable, long-reordering and
//     long-delays, which apply to the whole network;
//   - "rate" (a probability) for lossy and duplicate, "mean" (a Go
//     duration) for slow, and "for" (a Go duration: how long the fault
//     lasts, after which it ends by itself) for slow, lossy, duplicate and
//     pause;
//   - nothing more for heal.
//
// "by" says who applied the event (ByTest, ByNemesis, ByNemesisStop,
// BySchedule); it may be omitted in a hand-written schedule. "servers" maps
// each cluster's name to its number of servers. "seed", "package" and
// "test" say which run the schedule came from; a hand-written schedule may
// leave them out. "command" is set instead of "package" when the test ran
// outside go test (see Main). Version 1 schedules written before the link
// faults and pauses existed read unchanged.
type Schedule struct {
	Version int            `json:"version"`           // the format's version: 1
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
// see Schedule. What each kind does, how it is encoded, validated, applied,
// repaired, drawn and chosen by the nemesis is one entry of the table of
// fault kinds (faults.go).
type Event struct {
	At      time.Duration // since the start of the test, on the test's clock
	Kind    string        // a Kind constant
	By      string        // a By constant: who applied it
	Cluster string        // the cluster's Name ("" for network modes)
	Server  int           // crash, restart, disconnect, connect, pause
	Groups  [][]int       // partition
	From    int           // cut, slow, lossy, duplicate
	To      int           // cut, slow, lossy, duplicate
	On      bool          // reliable, long-reordering, long-delays
	Rate    float64       // lossy, duplicate: the fraction of messages affected
	Mean    time.Duration // slow: the mean extra time of a call
	For     time.Duration // slow, lossy, duplicate, pause: how long the fault lasts
}

type eventArgs struct {
	Cluster string   `json:"cluster,omitempty"`
	Server  *int     `json:"server,omitempty"`
	Groups  [][]int  `json:"groups,omitempty"`
	From    *int     `json:"from,omitempty"`
	To      *int     `json:"to,omitempty"`
	On      *bool    `json:"on,omitempty"`
	Rate    *float64 `json:"rate,omitempty"`
	Mean    *string  `json:"mean,omitempty"`
	For     *string  `json:"for,omitempty"`
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
	k, ok := kindsByName[e.Kind]
	if !ok {
		return nil, fmt.Errorf("unknown event kind %q", e.Kind)
	}
	j := eventJSON{At: e.At.String(), Kind: e.Kind, By: e.By, Args: eventArgs{Cluster: e.Cluster}}
	dur := func(d time.Duration) *string { s := d.String(); return &s }
	if k.args&argServer != 0 {
		j.Args.Server = &e.Server
	}
	if k.args&argGroups != 0 {
		j.Args.Groups = e.Groups
		if j.Args.Groups == nil {
			j.Args.Groups = [][]int{}
		}
	}
	if k.args&argLink != 0 {
		j.Args.From, j.Args.To = &e.From, &e.To
	}
	if k.args&argOn != 0 {
		j.Args.On = &e.On
	}
	if k.args&argRate != 0 {
		j.Args.Rate = &e.Rate
	}
	if k.args&argMean != 0 {
		j.Args.Mean = dur(e.Mean)
	}
	if k.args&argFor != 0 {
		j.Args.For = dur(e.For)
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
	k, ok := kindsByName[j.Kind]
	if !ok {
		return fmt.Errorf("unknown event kind %q (known: %s)", j.Kind, strings.Join(kindNames(), ", "))
	}
	*e = Event{At: at, Kind: j.Kind, By: j.By, Cluster: j.Args.Cluster}
	a := j.Args
	need := func(bit arg, name, example string, present bool) error {
		if k.args&bit != 0 && !present {
			return fmt.Errorf("%s event needs args.%s%s", j.Kind, name, example)
		}
		return nil
	}
	dur := func(name string, s *string) (time.Duration, error) {
		if s == nil {
			return 0, nil
		}
		d, err := time.ParseDuration(*s)
		if err != nil {
			return 0, fmt.Errorf("args.%s: %q is not a Go duration such as \"1.5s\"", name, *s)
		}
		return d, nil
	}
	errs := []error{
		need(argServer, "server", "", a.Server != nil),
		need(argGroups, "groups", ", e.g. [[0,1],[2,3,4]]", a.Groups != nil),
		need(argLink, "from", "", a.From != nil),
		need(argLink, "to", "", a.To != nil),
		need(argOn, "on", " (true or false)", a.On != nil),
		need(argRate, "rate", " (a probability, e.g. 0.5)", a.Rate != nil),
		need(argMean, "mean", " (a Go duration, e.g. \"100ms\")", a.Mean != nil),
		need(argFor, "for", " (a Go duration, e.g. \"2s\")", a.For != nil),
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	deref := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	e.Server, e.Groups, e.From, e.To = deref(a.Server), a.Groups, deref(a.From), deref(a.To)
	if a.On != nil {
		e.On = *a.On
	}
	if a.Rate != nil {
		e.Rate = *a.Rate
	}
	if e.Mean, err = dur("mean", a.Mean); err != nil {
		return err
	}
	e.For, err = dur("for", a.For)
	return err
}

// IsFault reports whether the event is a fault — it makes the cluster less
// healthy: a crash, a disconnection, a partition, a cut, a link fault, a
// pause, a network mode away from normal — rather than a repair (a restart,
// a reconnection, a heal, a mode back to normal). Summaries count faults
// with it.
func (e Event) IsFault() bool {
	k, ok := kindsByName[e.Kind]
	switch {
	case !ok:
		return false
	case k.fault != nil:
		return k.fault(e)
	}
	return k.repairs == ""
}

// String describes the event in a few words, e.g. "crash server-3",
// "partition server [0 1] [2 3 4]" or "slow server-0 -> server-1 mean 100ms
// for 2s".
func (e Event) String() string {
	c := e.Cluster
	if c == "" {
		c = "cluster"
	}
	k, ok := kindsByName[e.Kind]
	if !ok {
		return e.Kind
	}
	var b strings.Builder
	b.WriteString(e.Kind)
	switch {
	case k.args&argServer != 0:
		fmt.Fprintf(&b, " %s", serverName(c, e.Server))
	case k.args&argGroups != 0:
		fmt.Fprintf(&b, " %s", c)
		for _, g := range e.Groups {
			fmt.Fprintf(&b, " %v", g)
		}
	case k.args&argLink != 0:
		fmt.Fprintf(&b, " %s -> %s", serverName(c, e.From), serverName(c, e.To))
	case k.args&argOn != 0:
		if e.On {
			b.WriteString(" on")
		} else {
			b.WriteString(" off")
		}
	default:
		fmt.Fprintf(&b, " %s", c)
	}
	if k.args&argRate != 0 {
		fmt.Fprintf(&b, " rate %g", e.Rate)
	}
	if k.args&argMean != 0 {
		fmt.Fprintf(&b, " mean %v", e.Mean)
	}
	if k.args&argFor != 0 {
		fmt.Fprintf(&b, " for %v", e.For)
	}
	return b.String()
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
	if *raw.Version != scheduleVersion {
		return nil, fmt.Errorf("schedule version is %d; this reader understands version %d", *raw.Version, scheduleVersion)
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

// validate checks the event's arguments: its indices against the cluster
// sizes, when they are known, its rate and durations.
func (e Event) validate(servers map[string]int) error {
	if e.At < 0 {
		return fmt.Errorf("negative time %v", e.At)
	}
	k, ok := kindsByName[e.Kind]
	if !ok {
		return fmt.Errorf("unknown event kind %q (known: %s)", e.Kind, strings.Join(kindNames(), ", "))
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
	var errs []error
	if k.args&argServer != 0 {
		errs = append(errs, check("server", e.Server))
	}
	if k.args&argLink != 0 {
		errs = append(errs, check("from", e.From), check("to", e.To))
	}
	if k.args&argGroups != 0 {
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
	if k.args&argRate != 0 && !(e.Rate >= 0 && e.Rate <= 1) {
		errs = append(errs, fmt.Errorf("args.rate = %v: need a probability in [0, 1]", e.Rate))
	}
	if k.args&argMean != 0 {
		errs = append(errs, validDuration("mean", e.Mean))
	}
	if k.args&argFor != 0 {
		errs = append(errs, validDuration("for", e.For))
	}
	for _, err := range errs {
		if err != nil {
			return err
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
	for k, g := range w.groups {
		servers[k] = g.n
	}
	return &Schedule{
		Version: scheduleVersion,
		Seed:    w.seed,
		Package: w.pkg,
		Test:    w.test,
		Servers: servers,
		Command: mainArgs,
		Events:  append([]Event(nil), w.events...),
	}
}
