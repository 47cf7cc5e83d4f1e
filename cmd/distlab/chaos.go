package main

import (
	"fmt"
	"io"
	"sort"

	"distlab/raft/rafttest"
)

// A chaosTarget is a service that "distlab chaos" can run under random
// faults. Each lab adds its own with registerChaos in an init function of a
// file cmd/distlab/chaos_<lab>.go.
type chaosTarget struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var chaosTargets = map[string]chaosTarget{}

func registerChaos(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	if _, dup := chaosTargets[name]; dup {
		panic("distlab: chaos target registered twice: " + name)
	}
	chaosTargets[name] = chaosTarget{summary: summary, run: run}
}

func init() {
	register(&command{
		name:    "chaos",
		summary: "run a cluster under random faults in virtual time, checked (distlab chaos raft)",
		run:     runChaos,
	})
	registerChaos("raft", "a Raft cluster: elections, replication, snapshots", rafttest.ChaosCommand)
}

func runChaos(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		chaosUsage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		chaosUsage(stdout)
		return 0
	}
	target, ok := chaosTargets[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "distlab chaos: unknown target %q\n\n", args[0])
		chaosUsage(stderr)
		return 2
	}
	return target.run(args[1:], stdout, stderr)
}

func chaosUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: distlab chaos <target> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Targets:")
	names := make([]string, 0, len(chaosTargets))
	for n := range chaosTargets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, chaosTargets[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "distlab chaos <target> -h" for its flags.`)
}
