package apps

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Probe files let test applications see what the framework does across
// goroutines and processes alike: each call of a map or reduce function that
// wants to be seen creates a uniquely named file mr-probe-<kind>-<pid>-<n> in
// the probe directory, and others count those files.

var probeSeq atomic.Int64

// createProbe creates a new, uniquely named probe file of kind in dir and
// returns its path.
func createProbe(dir, kind string) string {
	name := filepath.Join(dir, fmt.Sprintf("mr-probe-%s-%d-%d", kind, os.Getpid(), probeSeq.Add(1)))
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		// An app cannot return an error; failing loudly beats a wrong count.
		panic(fmt.Sprintf("mr test app: create probe file: %v", err))
	}
	f.Close()
	return name
}

// countProbes returns how many probe files of kind are in dir.
func countProbes(dir, kind string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		panic(fmt.Sprintf("mr test app: list probe directory: %v", err))
	}
	prefix := "mr-probe-" + kind + "-"
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			n++
		}
	}
	return n
}

// parallelism announces a running call of the phase, holds it for d so that
// concurrent calls overlap, and returns how many calls of the phase (this one
// included) were running at the end of that time.
func parallelism(dir, phase string, d time.Duration) int {
	name := createProbe(dir, phase)
	time.Sleep(d)
	n := countProbes(dir, phase)
	os.Remove(name)
	return n
}
