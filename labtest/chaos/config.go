package chaos

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"distlab/labtest"
)

// Config holds the settings that every lab's chaos run shares. Each has a
// flag of the same name in distlab chaos <lab>.
type Config struct {
	Servers int // servers in the cluster (-servers)
	Clients int // concurrent clients (-clients)
	// Duration is how long the nemesis runs, on the test's clock
	// (-duration).
	Duration time.Duration
	// Round is the length of one round of faults (-round; default: the
	// whole Duration). After each round the nemesis stops, the cluster is
	// healed and must serve within Liveness.
	Round time.Duration
	// Liveness bounds the time from healing to the service serving (the
	// lab's Probe), and at the end of the run also to every client
	// finishing its operation (-liveness).
	Liveness time.Duration
	// Think is the mean pause between two operations of a client; each
	// pause is drawn uniformly from [0, 2*Think). Negative: no pause
	// (-think; 0 there means no pause).
	Think time.Duration
	// Nemesis sets the faults: their mean interval and relative rates
	// (labtest.NemesisFlags).
	Nemesis labtest.NemesisConfig
	// Schedule, if not nil, replaces the random nemesis for a single
	// round: its events are played at their recorded times (a regression
	// test from a failure's schedule.json). Not a flag: a replay of a
	// command uses DISTLAB_REPLAY.
	Schedule *labtest.Schedule
	// Artifacts makes the run write its artefact folder (see
	// labtest.World.WriteArtifacts, plus SummaryFile) even when it passes,
	// as the command does; a failing run always writes it.
	Artifacts bool
	// Report makes the run write the run report (labtest.ReportFile) into
	// its artefact folder also when it passes (-report; a failing run
	// always writes it). The command then keeps the per-peer log for it.
	Report bool
	// Out, if not nil, receives the summary when the run ends; otherwise
	// it is logged through t.
	Out io.Writer
}

// defaultConfig holds the defaults of the settings a lab leaves zero in
// Lab.Defaults: 5 servers, 3 clients, 10 s of faults in one round, a
// liveness bound of 10 s (the classic one), 20 ms of think time, and
// labtest's default fault mix.
func defaultConfig() Config {
	return Config{Servers: 5, Clients: 3, Duration: 10 * time.Second, Liveness: 10 * time.Second, Think: 20 * time.Millisecond}
}

// withDefaults fills the zero fields of cfg from the lab's defaults, then
// from defaultConfig.
func (cfg Config) withDefaults(lab *Lab) Config {
	for _, d := range []Config{lab.Defaults, defaultConfig()} {
		if cfg.Servers == 0 {
			cfg.Servers = d.Servers
		}
		if cfg.Clients == 0 {
			cfg.Clients = d.Clients
		}
		if cfg.Duration == 0 {
			cfg.Duration = d.Duration
		}
		if cfg.Round == 0 {
			cfg.Round = d.Round
		}
		if cfg.Liveness == 0 {
			cfg.Liveness = d.Liveness
		}
		if cfg.Think == 0 {
			cfg.Think = d.Think
		}
	}
	if cfg.Round == 0 || cfg.Round > cfg.Duration || cfg.Schedule != nil {
		cfg.Round = cfg.Duration
	}
	return cfg
}

// validate reports every setting that cannot work, each named by its flag.
func (cfg Config) validate(lab *Lab) error {
	var errs []error
	minServers := max(lab.MinServers, 1)
	if lab.MinServers == 0 {
		minServers = 3
	}
	if cfg.Servers < minServers {
		errs = append(errs, fmt.Errorf("-servers %d: %s needs at least %d", cfg.Servers, lab.Name, minServers))
	}
	if cfg.Clients < 1 {
		errs = append(errs, fmt.Errorf("-clients %d: need at least 1", cfg.Clients))
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"duration", cfg.Duration}, {"round", cfg.Round}, {"liveness", cfg.Liveness}} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("-%s %v: need a positive duration", d.flag, d.v))
		}
	}
	if err := cfg.Nemesis.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// flags defines the common flags on fs, with the lab's defaults, and
// returns the function that reads them once fs is parsed. -seed, if given,
// is returned as a string for DISTLAB_SEED (the child process that runs
// the cluster inherits it).
func flags(fs *flag.FlagSet, lab *Lab) func() (Config, string) {
	def := Config{}.withDefaults(lab)
	cfg := &Config{}
	fs.IntVar(&cfg.Servers, "servers", def.Servers, "number of servers")
	fs.IntVar(&cfg.Clients, "clients", def.Clients, "number of concurrent clients")
	fs.DurationVar(&cfg.Duration, "duration", def.Duration, "how long the nemesis runs, in virtual time")
	fs.DurationVar(&cfg.Round, "round", lab.Defaults.Round, "length of a round of faults; the cluster is healed and must serve after each (0: one round)")
	fs.DurationVar(&cfg.Liveness, "liveness", def.Liveness, "after healing, the service must serve within this virtual time")
	fs.DurationVar(&cfg.Think, "think", def.Think, "mean virtual pause between two operations of a client")
	seed := fs.Int64("seed", 0, "seed of every random choice (0: random; "+labtest.EnvSeed+" also sets it)")
	fs.BoolVar(&cfg.Report, "report", false, "write the run report (report.html: messages, peer states, faults, history, per-peer log) into the artefact folder also when the run passes")
	nem := labtest.NemesisFlags(fs)
	return func() (Config, string) {
		c := *cfg
		c.Nemesis = *nem
		if c.Think == 0 {
			c.Think = -1 // -think 0: no pause
		}
		if c.Round == 0 {
			c.Round = c.Duration
		}
		s := ""
		if *seed != 0 {
			s = fmt.Sprint(*seed)
		}
		return c, s
	}
}

// IntFlag defines an int flag on fs, as fs.Int does, that refuses a value
// below min, naming the flag: for a lab's own flags in its Setup.
func IntFlag(fs *flag.FlagSet, name string, value, min int, usage string) *int {
	p := &value
	fs.Func(name, fmt.Sprintf("%s (default %d)", usage, value), func(s string) error {
		v, err := strconv.Atoi(s)
		if err != nil {
			return errors.New("not an integer")
		}
		if v < min {
			return fmt.Errorf("need at least %d", min)
		}
		*p = v
		return nil
	})
	return p
}
