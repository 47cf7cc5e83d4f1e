package kvchaos

import "time"

// Inside a virtual-time bubble time.Now is the test's clock. The real clock
// (for the wall time and the check time in a Summary) is read by a
// goroutine started outside any bubble, at package initialisation, through
// channels made there too; a bubbled goroutine may use them, and waiting on
// them does not count as durably blocked, so the test's clock stands still
// meanwhile.
var (
	wallAsk    = make(chan struct{})
	wallAnswer = make(chan time.Time)
)

func init() {
	go func() {
		for range wallAsk {
			wallAnswer <- time.Now()
		}
	}()
}

// wallNow returns the real time, even inside a bubble.
func wallNow() time.Time {
	wallAsk <- struct{}{}
	return <-wallAnswer
}
