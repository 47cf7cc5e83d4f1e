// Package env names the environment variables that distlab reads and holds
// the one parser of each, so that the packages that read a variable
// (labrpc, lablog, labtest, mr, the distlab command) agree on its meaning
// and on its error message. It imports only the standard library, so that
// every package of the module, however low, may import it.
//
// The variables, as the labtest package guide documents them:
//
//	DISTLAB_SEED=n          the seed of every random choice (random when unset)
//	DISTLAB_REALTIME=1      run on the real clock instead of in a bubble
//	DISTLAB_REPLAY=path     replay a schedule.json (its seed, its nemesis events)
//	DISTLAB_ARTIFACTS=dir   where failure artefacts go (default: a new temporary folder)
//	DISTLAB_LOG=1           keep the per-peer log for the artefacts (peers.log)
//	DISTLAB_REPORT=dir      every test writes its run report to dir/<test>/
//	DISTLAB_TRACE=n         messages the run report keeps (default 100000; 0: none)
//	DISTLAB_TIMEOUT=d       time limit of a test, on its clock (default 10m; 0: none)
//	DISTLAB_VERBOSE=topics  print the per-peer log (lablog): 1, all, or VOTE,LEAD,...
//	DISTLAB_VERBOSE_PEERS=l only these peers' lines (lablog): 0,2
//	DISTLAB_MAIN=name       the harness body a test binary runs as a command (labtest.Main)
//	DISTLAB_ITERATION=i     the run number distlab test gives each run of a test
//	DISTLAB_SHARD=i/n       run only shard i (from 0) of n of a campaign (a CI matrix sets it)
//	DISTLAB_SHARDS=n        the number of shards, with the index from JOB_COMPLETION_INDEX
//	                        (which Kubernetes sets in each pod of an Indexed Job)
package env

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The names of the environment variables.
const (
	Seed         = "DISTLAB_SEED"
	Realtime     = "DISTLAB_REALTIME"
	Replay       = "DISTLAB_REPLAY"
	Artifacts    = "DISTLAB_ARTIFACTS"
	Log          = "DISTLAB_LOG"
	Report       = "DISTLAB_REPORT"
	Trace        = "DISTLAB_TRACE"
	Timeout      = "DISTLAB_TIMEOUT"
	Verbose      = "DISTLAB_VERBOSE"
	VerbosePeers = "DISTLAB_VERBOSE_PEERS"
	Main         = "DISTLAB_MAIN"
	Iteration    = "DISTLAB_ITERATION"
	Shard        = "DISTLAB_SHARD"
	Shards       = "DISTLAB_SHARDS"
	JobIndex     = "JOB_COMPLETION_INDEX" // Kubernetes's, in an Indexed Job's pods
	// CampaignTTY is set to 1 by a distlab chaos campaign for its child
	// process when the campaign's own output is a terminal (the child's is
	// a pipe), so that the child draws a live status line.
	CampaignTTY = "DISTLAB_CAMPAIGN_TTY"
)

// ShardValue returns the shard of a campaign the environment names, as
// its text "i/n": DISTLAB_SHARD, else JOB_COMPLETION_INDEX/DISTLAB_SHARDS;
// "" when neither is set. from names the variables the text came from, for
// error messages. A total without an index is an error: which shard is
// this? (An index without a total is a Job that is not sharding distlab,
// and is ignored.)
func ShardValue() (text, from string, err error) {
	if s := strings.TrimSpace(os.Getenv(Shard)); s != "" {
		return s, "$" + Shard, nil
	}
	idx, total := strings.TrimSpace(os.Getenv(JobIndex)), strings.TrimSpace(os.Getenv(Shards))
	switch {
	case total == "":
		return "", "", nil
	case idx == "":
		return "", "", fmt.Errorf("$%s=%s is set but $%s is not: which shard is this?", Shards, total, JobIndex)
	}
	return idx + "/" + total, "$" + JobIndex + "/$" + Shards, nil
}

// SeedValue returns the seed DISTLAB_SEED fixes: set is false when the
// variable is unset or blank, and err names the variable when its value is
// not an integer.
func SeedValue() (seed int64, set bool, err error) {
	s := strings.TrimSpace(os.Getenv(Seed))
	if s == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s=%q is not an integer seed", Seed, s)
	}
	return v, true, nil
}

// RealtimeOn reports whether DISTLAB_REALTIME asks for the real clock.
func RealtimeOn() bool { return on(Realtime) }

// LogOn reports whether DISTLAB_LOG asks to keep the per-peer log.
func LogOn() bool { return on(Log) }

// ReplayPath returns the schedule DISTLAB_REPLAY names, "" when unset.
func ReplayPath() string { return os.Getenv(Replay) }

// ArtifactsDir returns the folder DISTLAB_ARTIFACTS names, "" when unset.
func ArtifactsDir() string { return os.Getenv(Artifacts) }

// VerboseTopics returns DISTLAB_VERBOSE as set ("" when unset); lablog
// reads the topics in it.
func VerboseTopics() string { return os.Getenv(Verbose) }

// VerbosePeerList returns DISTLAB_VERBOSE_PEERS as set ("" when unset);
// lablog reads the peer numbers in it.
func VerbosePeerList() string { return os.Getenv(VerbosePeers) }

// MainBody returns the name of the body DISTLAB_MAIN selects, "" when unset.
func MainBody() string { return os.Getenv(Main) }

// TimeoutValue returns the time limit DISTLAB_TIMEOUT sets: set is false
// when it is unset or blank; "0", "off" and "none" give 0, no limit. err
// names the variable when its value is not a duration.
func TimeoutValue() (d time.Duration, set bool, err error) {
	s := strings.TrimSpace(os.Getenv(Timeout))
	switch s {
	case "":
		return 0, false, nil
	case "0", "off", "none":
		return 0, true, nil
	}
	d, err = time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, false, fmt.Errorf("%s=%q is not a duration such as \"5m\" (or 0 for no limit)", Timeout, s)
	}
	return d, true, nil
}

// on reports whether a boolean variable is set to a true value: anything but
// "", "0", "false", "off" and "no" (in any case).
func on(name string) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(name))) {
	case "", "0", "false", "off", "no":
		return false
	}
	return true
}

// ReportDir returns DISTLAB_REPORT: where every test writes its run report
// ("" for nowhere).
func ReportDir() string { return os.Getenv(Report) }

// TraceRing returns how many messages DISTLAB_TRACE asks the run report to
// keep: set is false when the variable is unset or blank; 0 (or "off")
// means none. err names the variable when its value is neither.
func TraceRing() (n int, set bool, err error) {
	s := strings.TrimSpace(os.Getenv(Trace))
	switch s {
	case "":
		return 0, false, nil
	case "0", "off":
		return 0, true, nil
	}
	n, err = strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false, fmt.Errorf("%s=%q: want a number of messages to keep, or 0 for none", Trace, s)
	}
	return n, true, nil
}
