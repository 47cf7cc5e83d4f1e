package lab

import (
	"os"
	"strconv"
	"testing"
)

// seed is DISTLAB_SEED, or else the run's number (DISTLAB_ITERATION, so
// that a campaign of runs is the same every time), reported as the labtest
// harness does, as the test attribute distlab.seed.
func seed(t *testing.T) int {
	s, err := strconv.Atoi(os.Getenv("DISTLAB_SEED"))
	if err != nil {
		s, _ = strconv.Atoi(os.Getenv("DISTLAB_ITERATION"))
	}
	t.Attr("distlab.seed", strconv.Itoa(s))
	return s
}

func TestMaxOfDistinctNumbers(t *testing.T) {
	if Max(1, 90) != 90 || Max(90, 1) != 90 {
		t.Fatal("Max(1, 90) or Max(90, 1) is not 90")
	}
}

// TestMaxOfASeededPair fails some mutants only for some seeds.
func TestMaxOfASeededPair(t *testing.T) {
	a := 40 + seed(t)%30
	if got, want := Max(a, 50), max(a, 50); got != want {
		t.Fatalf("Max(%d, 50) = %d, want %d", a, got, want)
	}
}
