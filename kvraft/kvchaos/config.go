package kvchaos

import (
	"errors"
	"fmt"
	"time"

	"distlab/labtest"
)

// Config describes one chaos run.
type Config struct {
	Servers int // servers in the kvraft group (at least 3)
	Clients int // concurrent clients (at least 1)
	Keys    int // shared keys the clients use (at least 1)
	// Duration is how long (on the test's clock) the clients work under the
	// nemesis before the cluster is healed.
	Duration time.Duration
	// Think is the mean pause between two operations of one client.
	Think time.Duration
	// Recovery is how long, after healing, every client has to finish
	// its operation and a new client to complete a write and a read; a
	// run that takes longer is a liveness failure.
	Recovery time.Duration
	// MaxRaftState is the servers' snapshot threshold in bytes; -1 never
	// snapshots.
	MaxRaftState int
	// Unreliable starts the network unreliable (the nemesis may also
	// change the network's modes).
	Unreliable bool
	// Nemesis sets the kinds and rates of faults; its zero value is
	// labtest's default mix.
	Nemesis labtest.NemesisConfig
	// Schedule, if not nil, replaces the random nemesis: its events are
	// played at their recorded times (a regression test from a failure's
	// schedule.json, or a hand-written one).
	Schedule *labtest.Schedule
	// ReportDir, if not empty, receives report.html (the history with the
	// faults drawn in) and summary.json.
	ReportDir string
}

// DefaultConfig is a 5-server, 5-client, 10-virtual-second run with
// snapshots on and labtest's default fault mix.
func DefaultConfig() Config {
	return Config{
		Servers:      5,
		Clients:      5,
		Keys:         5,
		Duration:     10 * time.Second,
		Think:        20 * time.Millisecond,
		Recovery:     10 * time.Second,
		MaxRaftState: 1000,
	}
}

// Validate reports every setting that cannot work, naming each.
func (c Config) Validate() error {
	var errs []error
	if c.Servers < 3 {
		errs = append(errs, fmt.Errorf("servers = %d: need at least 3 for a fault to leave a majority", c.Servers))
	}
	if c.Clients < 1 {
		errs = append(errs, fmt.Errorf("clients = %d: need at least 1", c.Clients))
	}
	if c.Keys < 1 {
		errs = append(errs, fmt.Errorf("keys = %d: need at least 1", c.Keys))
	}
	if c.Duration <= 0 {
		errs = append(errs, fmt.Errorf("duration = %v: need a positive duration", c.Duration))
	}
	if c.Think < 0 {
		errs = append(errs, fmt.Errorf("think = %v: cannot be negative", c.Think))
	}
	if c.Recovery <= 0 {
		errs = append(errs, fmt.Errorf("recovery = %v: need a positive duration", c.Recovery))
	}
	if c.MaxRaftState < -1 {
		errs = append(errs, fmt.Errorf("maxraftstate = %d: want -1 (never snapshot) or a size in bytes", c.MaxRaftState))
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"partition", c.Nemesis.Partition}, {"crash", c.Nemesis.Crash}, {"restart", c.Nemesis.Restart},
		{"disconnect", c.Nemesis.Disconnect}, {"cut", c.Nemesis.Cut}, {"mode", c.Nemesis.Mode}} {
		if r.v < 0 {
			errs = append(errs, fmt.Errorf("%s rate = %v: rates cannot be negative", r.name, r.v))
		}
	}
	if c.Nemesis.Interval < 0 {
		errs = append(errs, fmt.Errorf("fault interval = %v: cannot be negative", c.Nemesis.Interval))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("kvchaos: bad config: %w", err)
	}
	return nil
}
