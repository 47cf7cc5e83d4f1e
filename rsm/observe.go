package rsm

import "fmt"

// A LogChecker checks that replicas agree on their log, from what each
// applies; *labtest.Agreement[string] is one.
type LogChecker interface {
	Apply(peer, index int, v string)
	Snapshot(peer, index int)
	Restart(peer int)
}

// CheckWith returns a Config.Observe function that reports replica me's
// applies and snapshots to c (each command as its Go syntax, which names the
// proposer and its tag, so two proposals never look alike). It first tells
// c that me restarts empty: call it once per incarnation, before Make.
//
//	a := labtest.NewAgreement[string](nil)
//	cfg.Observe = rsm.CheckWith(a, me)
func CheckWith(c LogChecker, me int) func(ApplyMsg) {
	c.Restart(me)
	return func(m ApplyMsg) {
		if m.SnapshotValid {
			c.Snapshot(me, m.SnapshotIndex)
			return
		}
		c.Apply(me, m.CommandIndex, fmt.Sprintf("%#v", m.Command))
	}
}
