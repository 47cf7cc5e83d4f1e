package labtest

import (
	"errors"
	"flag"
	"fmt"
	"time"
)

// NemesisFlags defines, on fs, the flags of a command that runs a cluster
// under a nemesis — -interval and the relative rates -partition, -crash,
// -restart, -disconnect, -cut and -mode, with the nemesis's defaults — and
// returns the NemesisConfig they fill in when fs is parsed. Check it with
// Validate after parsing. Every chaos command of distlab uses these, so the
// flags mean the same in each.
func NemesisFlags(fs *flag.FlagSet) *NemesisConfig {
	cfg := &NemesisConfig{}
	fs.DurationVar(&cfg.Interval, "interval", 500*time.Millisecond, "mean virtual time between two faults")
	fs.Float64Var(&cfg.Partition, "partition", 3, "relative rate of partitions")
	fs.Float64Var(&cfg.Crash, "crash", 2, "relative rate of crashes")
	fs.Float64Var(&cfg.Restart, "restart", 2, "relative rate of restarts")
	fs.Float64Var(&cfg.Disconnect, "disconnect", 1, "relative rate of disconnections")
	fs.Float64Var(&cfg.Cut, "cut", 1, "relative rate of one-way cuts")
	fs.Float64Var(&cfg.Mode, "mode", 1, "relative rate of network mode changes (unreliable, long reordering, long delays)")
	return cfg
}

// Validate reports, naming the flag, a setting that NemesisFlags' flags
// cannot mean: a negative interval or rate, or every rate zero (which
// NemesisConfig's own defaults would read as "the default rates", not as
// "no faults", so a user asking for no faults is told instead).
func (cfg NemesisConfig) Validate() error {
	if cfg.Interval < 0 {
		return fmt.Errorf("-interval %v: the time between faults cannot be negative", cfg.Interval)
	}
	rates := []struct {
		name string
		v    float64
	}{{"partition", cfg.Partition}, {"crash", cfg.Crash}, {"restart", cfg.Restart},
		{"disconnect", cfg.Disconnect}, {"cut", cfg.Cut}, {"mode", cfg.Mode}}
	sum := 0.0
	for _, r := range rates {
		if r.v < 0 {
			return fmt.Errorf("-%s %v: a rate cannot be negative", r.name, r.v)
		}
		sum += r.v
	}
	if sum == 0 {
		return errors.New("every fault rate is 0; set at least one")
	}
	return nil
}
