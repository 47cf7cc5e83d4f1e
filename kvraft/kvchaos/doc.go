// Package kvchaos runs a kvraft cluster under chaos and judges it: concurrent
// clients read and write a few shared keys while a random nemesis (labtest)
// partitions, crashes, restarts, disconnects and cuts servers and switches
// the network's modes; then the cluster is healed, every client must finish
// within a recovery limit (liveness), and the whole history is checked for
// linearizability with porcupine.
//
// Run is a labtest body: call it inside labtest.Run (a go test) or
// labtest.Main (the "distlab chaos kvraft" command). It returns a Summary
// (operations, faults injected, verdict, check time, virtual and wall time)
// and, when Config.ReportDir is set, writes report.html there: the history
// with the faults drawn on its timeline. A violation or a liveness failure
// fails the test, so labtest writes its failure artefacts (schedule.json,
// history.json, history.html) and prints the command that replays the run.
package kvchaos
