//go:build race

package chaos_test

// raceEnabled: the race detector randomises the order in which the
// scheduler runs goroutines made runnable together, so under it a seed does
// not replay bit for bit even on one thread.
const raceEnabled = true
