package labtest

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// NemesisFlags defines, on fs, the flags of a command that runs a cluster
// under a nemesis — -interval and one relative rate per move of the table
// of fault kinds (-partition, -crash, -restart, -disconnect, -cut, -mode,
// -slow, -lossy, -duplicate, -pause), with the nemesis's defaults — and
// returns the NemesisConfig they fill in when fs is parsed. Check it with
// Validate after parsing. The chaos layer (labtest/chaos) uses these, so
// the flags mean the same for every lab.
func NemesisFlags(fs *flag.FlagSet) *NemesisConfig {
	cfg := &NemesisConfig{Rates: defaultRates()}
	fs.DurationVar(&cfg.Interval, "interval", 500*time.Millisecond, "mean virtual time between two faults")
	for _, k := range kinds {
		if m := k.move; m != nil {
			fs.Var(rateFlag{cfg.Rates, m.flag}, m.flag, m.usage)
		}
	}
	return cfg
}

// rateFlag is the flag of one rate in a NemesisConfig's Rates.
type rateFlag struct {
	rates map[string]float64
	name  string
}

func (f rateFlag) String() string {
	if f.rates == nil {
		return "0"
	}
	return strconv.FormatFloat(f.rates[f.name], 'g', -1, 64)
}

func (f rateFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	f.rates[f.name] = v
	return nil
}

// Validate reports, naming the flag, a setting that NemesisFlags' flags
// cannot mean: a negative interval or rate, a rate of no move, or every
// rate zero (which the nemesis would read as "the default rates", not as
// "no faults", so a user asking for no faults is told instead). The zero
// NemesisConfig (the default mix) is valid.
func (cfg NemesisConfig) Validate() error {
	if cfg.Interval < 0 {
		return fmt.Errorf("-interval %v: the time between faults cannot be negative", cfg.Interval)
	}
	if cfg.Rates == nil {
		return nil
	}
	var names []string
	for _, k := range kinds {
		if k.move != nil {
			names = append(names, k.move.flag)
		}
	}
	sum := 0.0
	for _, name := range slices.Sorted(maps.Keys(cfg.Rates)) {
		v := cfg.Rates[name]
		switch {
		case !slices.Contains(names, name):
			return fmt.Errorf("rate %q: no such move of the nemesis (known: %v)", name, names)
		case v < 0:
			return fmt.Errorf("-%s %v: a rate cannot be negative", name, v)
		}
		sum += v
	}
	if sum == 0 {
		return errors.New("every fault rate is 0; set at least one")
	}
	return nil
}
