package paxos_test

import (
	"testing"

	"distlab/labtest"
)

// run runs a test body on the labtest harness: in virtual time, with a
// seed, a failure schedule and artefacts on failure.
func run(t *testing.T, body func(t *testing.T)) { labtest.Run(t, body) }
