package rafttest

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"distlab/labtest"
)

// ChaosCommand is "distlab chaos raft": it runs a Raft cluster under a
// random failure schedule in virtual time (through labtest.Main, in a child
// process), checks the invariants and liveness, and prints a summary; on a
// violation the harness prints the artefact folder and the replay command.
// It returns the exit status: 0 if the run passed, 1 if it found a
// violation, 2 for bad flags.
func ChaosCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distlab chaos raft", flag.ContinueOnError)
	fs.SetOutput(stderr)
	servers := fs.Int("servers", 5, "number of Raft peers (at least 3, so that a minority can fail)")
	duration := fs.Duration("duration", time.Minute, "how long the nemesis runs, in virtual time")
	round := fs.Duration("round", 10*time.Second, "length of a round of faults; the cluster is healed and must commit after each")
	liveness := fs.Duration("liveness", 10*time.Second, "bound on the virtual time from healing to a command applied by every peer")
	seed := fs.Int64("seed", 0, "seed of every random choice (0: random; DISTLAB_SEED also sets it)")
	nemesis := labtest.NemesisFlags(fs)
	clients := fs.Int("clients", 3, "number of goroutines submitting commands")
	snapshots := fs.Bool("snapshots", true, "make the services snapshot every 10 commands")
	reportDir := fs.String("report", "", "write the run report (report.html, report.json, with the per-peer log) into this folder, also when the run passes")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: distlab chaos raft [flags]\n\n")
		fmt.Fprintf(stderr, "Runs a Raft cluster under random partitions, crashes, restarts and network faults in\n")
		fmt.Fprintf(stderr, "virtual time, checks the safety invariants all along and liveness after each round.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "distlab chaos raft: unexpected argument %q (flags only; see -h)\n", fs.Arg(0))
		return 2
	}
	switch {
	case *servers < 3:
		fmt.Fprintf(stderr, "distlab chaos raft: -servers %d: need at least 3 peers, so that one can fail while a majority works\n", *servers)
		return 2
	case *duration <= 0 || *round <= 0 || *liveness <= 0 || nemesis.Interval <= 0:
		fmt.Fprintf(stderr, "distlab chaos raft: -duration, -round, -liveness and -interval must be positive\n")
		return 2
	case *clients < 1:
		fmt.Fprintf(stderr, "distlab chaos raft: -clients %d: need at least one client\n", *clients)
		return 2
	}
	if err := nemesis.Validate(); err != nil {
		fmt.Fprintf(stderr, "distlab chaos raft: %v\n", err)
		return 2
	}
	if *reportDir != "" {
		// The child process that runs the cluster writes it.
		os.Setenv(labtest.EnvReport, *reportDir)
		os.Setenv(labtest.EnvLog, "1")
	}
	if *seed != 0 {
		// The child process that runs the cluster inherits it.
		os.Setenv("DISTLAB_SEED", strconv.FormatInt(*seed, 10))
	}
	cfg := ChaosConfig{
		Servers:   *servers,
		Duration:  *duration,
		Round:     *round,
		Liveness:  *liveness,
		Nemesis:   *nemesis,
		Clients:   *clients,
		Snapshots: *snapshots,
		OnReport:  func(r ChaosReport) { r.Print(stdout) },
	}
	start := time.Now()
	status := labtest.Main("RaftChaos", stdout, stderr, func(t *testing.T) { Chaos(t, cfg) })
	wall := time.Since(start)
	switch status {
	case 0:
		fmt.Fprintf(stdout, "PASS: %v of virtual time in %v of wall time\n", *duration, wall.Round(time.Millisecond))
	case 1:
		fmt.Fprintf(stdout, "FAIL: see the violations and the artefacts above (replay with the command printed there)\n")
	default:
		fmt.Fprintf(stdout, "FAIL: the run crashed (status %d)\n", status)
	}
	return status
}
