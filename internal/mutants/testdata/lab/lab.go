// Package lab is the fixture lab of distlab/internal/mutants' tests.
package lab

// Max returns the larger of a and b.
func Max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
