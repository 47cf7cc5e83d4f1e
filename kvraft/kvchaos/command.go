package kvchaos

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"distlab/labtest"
)

// Command is "distlab chaos kvraft": it parses args, runs one chaos run
// through labtest.Main (in a child process, in virtual time), prints the
// Summary and returns the exit status: 0 when the history is linearizable
// and every client was served after healing, 1 on a violation or a
// liveness failure (the artefact folder and the replay command are
// printed), 2 on bad flags or a crash.
func Command(args []string, stdout, stderr io.Writer) int {
	def := DefaultConfig()
	fs := flag.NewFlagSet("distlab chaos kvraft", flag.ContinueOnError)
	fs.SetOutput(stderr)
	servers := fs.Int("servers", def.Servers, "number of kvraft servers (at least 3)")
	clients := fs.Int("clients", def.Clients, "number of concurrent clients")
	keys := fs.Int("keys", def.Keys, "number of keys the clients share")
	duration := fs.Duration("duration", def.Duration, "how long the clients work under faults, in virtual time")
	think := fs.Duration("think", def.Think, "mean virtual pause between two operations of a client")
	recovery := fs.Duration("recovery", def.Recovery, "after healing, every client must be served within this virtual time")
	maxraftstate := fs.Int("maxraftstate", def.MaxRaftState, "snapshot when Raft's state reaches this many bytes (-1: never)")
	unreliable := fs.Bool("unreliable", false, "start with an unreliable network (drops and delays)")
	seed := fs.Int64("seed", 0, "seed of every random choice (0: random; DISTLAB_SEED also sets it)")
	nemesis := labtest.NemesisFlags(fs)
	out := fs.String("out", "", "folder for report.html and summary.json (default: a new folder in the temporary directory)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: distlab chaos kvraft [flags]\n\n")
		fmt.Fprintf(stderr, "Runs a kvraft cluster with concurrent clients under random partitions, crashes,\n")
		fmt.Fprintf(stderr, "restarts and network faults in virtual time, heals it, requires every client to be\n")
		fmt.Fprintf(stderr, "served, and checks the whole history for linearizability with porcupine.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "distlab chaos kvraft: unexpected argument %q (flags only; see -h)\n", fs.Arg(0))
		return 2
	}
	cfg := Config{
		Servers: *servers, Clients: *clients, Keys: *keys, Duration: *duration, Think: *think,
		Recovery: *recovery, MaxRaftState: *maxraftstate, Unreliable: *unreliable,
		Nemesis: *nemesis,
	}
	if err := nemesis.Validate(); err != nil {
		fmt.Fprintf(stderr, "distlab chaos kvraft: %v\n", err)
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "distlab chaos kvraft: %v\n", err)
		return 2
	}
	if *seed != 0 {
		// The child process that runs the cluster inherits it.
		os.Setenv(labtest.EnvSeed, strconv.FormatInt(*seed, 10))
	}
	dir := *out
	if dir == "" {
		// Chosen once, in the parent, and handed to the child, so that
		// both name the same folder.
		if dir = os.Getenv("DISTLAB_KVCHAOS_OUT"); dir == "" {
			d, err := os.MkdirTemp("", "distlab-chaos-kvraft-")
			if err != nil {
				fmt.Fprintf(stderr, "distlab chaos kvraft: cannot create a report folder: %v (use -out)\n", err)
				return 2
			}
			dir = d
			os.Setenv("DISTLAB_KVCHAOS_OUT", dir)
		}
	}
	cfg.ReportDir = dir
	status := labtest.Main("KVRaftChaos", stdout, stderr, func(t *testing.T) {
		s := Run(t, cfg)
		s.Print(os.Stdout)
	})
	switch status {
	case 0:
		fmt.Fprintf(stdout, "PASS: report in %s\n", filepath.Join(dir, ReportFile))
	case 1:
		fmt.Fprintf(stdout, "FAIL: see the summary, the artefact folder and the replay command above (report in %s)\n", filepath.Join(dir, ReportFile))
	default:
		fmt.Fprintf(stdout, "FAIL: the run crashed (status %d)\n", status)
	}
	return status
}
