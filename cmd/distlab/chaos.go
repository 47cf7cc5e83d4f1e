package main

import (
	"fmt"
	"io"

	"distlab/raft/rafttest"
)

// chaosTargets are the services that "distlab chaos" can run under random
// faults, each a command of its own. Each lab adds its own with
// registerChaos in an init function of a file cmd/distlab/chaos_<lab>.go.
var chaosTargets = map[string]*command{}

func registerChaos(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	if _, dup := chaosTargets[name]; dup {
		panic("distlab: chaos target registered twice: " + name)
	}
	chaosTargets[name] = &command{name: name, summary: summary, run: run}
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
	listCommands(w, chaosTargets)
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "distlab chaos <target> -h" for its flags.`)
}
