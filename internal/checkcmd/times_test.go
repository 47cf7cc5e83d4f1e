package checkcmd

import (
	"testing"
	"time"

	"distlab/porcupine"
)

func TestTimesAreDurationsWithTheDigitsTheSpanNeeds(t *testing.T) {
	for _, tc := range []struct {
		unit time.Duration
		res  float64 // ns
		t    int64
		want string
	}{
		{0, 0, 1213033788, "1213033788"},
		{time.Nanosecond, 1e6, 1213033788, "1.213 s"},
		{time.Nanosecond, 1e5, 379295782, "379.3 ms"},
		{time.Nanosecond, 1, 12000, "12 µs"},
		{time.Nanosecond, 1, 7, "7 ns"},
		{time.Nanosecond, 1e5, -5_000_000, "-5 ms"},
		{time.Nanosecond, 1e5, 999_960_000, "1 s"}, // rounding reaches the next scale
		{time.Nanosecond, 1e8, 1_028_094_344, "1 s"},
		{time.Nanosecond, 1e5, 0, "0 s"},
		{time.Millisecond, 1, 1234, "1.234 s"}, // never finer than the unit
		{time.Second, 1, 90, "90 s"},
	} {
		f := timeFormat{unit: tc.unit, res: tc.res}
		if got := f.at(tc.t); got != tc.want {
			t.Errorf("%d × %v at resolution %g ns: %q, want %q", tc.t, tc.unit, tc.res, got, tc.want)
		}
	}
}

func TestIntervalSharesItsUnitAndShowsPending(t *testing.T) {
	ops := []porcupine.Operation{
		{Call: 0, Return: 10_000_000},
		{Call: 25_000_000, Return: 30_000_000},
		{Call: 999_800_000, Return: 1_002_000_000},
		{Call: 5_000_000, Return: porcupine.NoReturn},
	}
	f := newTimeFormat(time.Nanosecond, ops) // span 1.002 s: to 100 µs
	for i, want := range []string{"0-10 ms", "25-30 ms", "999.8 ms-1.002 s", "5 ms-pending"} {
		if got := f.interval(ops[i]); got != want {
			t.Errorf("interval %d: %q, want %q", i, got, want)
		}
	}
	if got := newTimeFormat(0, ops).interval(ops[1]); got != "25000000-30000000" {
		t.Errorf("without a unit: %q, want the raw integers", got)
	}
}
