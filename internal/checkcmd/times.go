package checkcmd

import (
	"math"
	"strconv"
	"strings"
	"time"

	"distlab/porcupine"
)

// A timeFormat shows a history's times: as durations when their unit is
// known (the history file's "time_unit"), else as the integers they are.
type timeFormat struct {
	unit time.Duration // one unit of the times; 0: unknown
	res  float64       // nanoseconds: the finest difference worth showing
}

// newTimeFormat shows times of the given unit to a ten-thousandth of
// the span of ops (never finer than the unit itself).
func newTimeFormat(unit time.Duration, ops []porcupine.Operation) timeFormat {
	if unit <= 0 || len(ops) == 0 {
		return timeFormat{unit: max(unit, 0), res: float64(max(unit, 0))}
	}
	lo, hi := ops[0].Call, ops[0].Call
	for _, op := range ops {
		lo, hi = min(lo, op.Call), max(hi, op.Call)
		if !op.Pending() {
			hi = max(hi, op.Return)
		}
	}
	return timeFormat{unit: unit, res: max(float64(unit), float64(hi-lo)*float64(unit)/1e4)}
}

var timeScales = []struct {
	ns   float64
	name string
}{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}

// at shows time t: in the largest of s, ms, µs, ns that keeps it at least
// 1, with the decimals the resolution needs, trailing zeros dropped
// ("1.213 s", "379.3 ms", "12 µs").
func (f timeFormat) at(t int64) string {
	if f.unit <= 0 {
		return strconv.FormatInt(t, 10)
	}
	ns := float64(t) * float64(f.unit)
	if ns == 0 {
		return "0 s"
	}
	k := 0
	for k < len(timeScales)-1 && math.Abs(ns) < timeScales[k].ns {
		k++
	}
	for {
		div := timeScales[k].ns
		dec := int(math.Ceil(math.Log10(div/f.res) - 1e-9))
		dec = max(0, min(dec, int(math.Floor(math.Log10(div/float64(f.unit))+1e-9))))
		s := strconv.FormatFloat(ns/div, 'f', dec, 64)
		// Rounding up can reach the next scale (999.96 ms is 1.000 s).
		if v, _ := strconv.ParseFloat(s, 64); k > 0 && math.Abs(v) >= 1000 {
			k--
			continue
		}
		if dec > 0 {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return s + " " + timeScales[k].name
	}
}

// interval shows an operation's call and return ("25-30 ms", "0-10 ms",
// "999.8 ms-1.002 s", "5 ms-pending"; without a unit "25-30").
func (f timeFormat) interval(op porcupine.Operation) string {
	call := f.at(op.Call)
	if op.Pending() {
		return call + "-pending"
	}
	ret := f.at(op.Return)
	// One unit for both ends when they share it (and 0 needs none).
	if n, unit, ok := strings.Cut(call, " "); ok && (n == "0" || strings.HasSuffix(ret, " "+unit)) {
		call = n
	}
	return call + "-" + ret
}
