// Package porcupine checks whether a concurrent history is linearizable with
// respect to a sequential model.
//
// Its public API is a superset of github.com/anishathalye/porcupine v1.3
// (v1.3.1 is upstream's newest release): the same Model, Operation, Event,
// CheckResult and LinearizationInfo, and the same Check* entry points, so a
// program switches between the two by changing one import path. The checker
// underneath is our own (see check.go).
//
// # Histories
//
// A history is either a slice of Operation (each with a call and a return
// timestamp) or a slice of Event (call and return events in the order they
// happened, matched by Id). Real-time order is strict: operation A precedes B
// only if A.Return < B.Call, so intervals are closed and two operations that
// share an instant are concurrent.
//
// # Pending operations
//
// An operation that never returned — its client crashed, timed out or gave up —
// is pending. Give it Return == NoReturn (for Operation histories) or leave out
// its return Event (for Event histories). A pending operation may take effect
// at any instant after its call, or never; its output is not known, so the
// model's Step receives nil as its output and should then accept any result
// (the models in porcupine/models do). A history is linearizable if some choice
// of which pending operations took effect, and where, explains every completed
// operation. (Upstream porcupine treats a call event with no return as an error
// in the history and reports it as not linearizable; this package does not.)
//
// # How it checks
//
// Each partition (see Model.Partition) is searched on its own, at most
// GOMAXPROCS at a time, taking turns so that one hard partition does not hold
// up a verdict that another one settles. The search is Wing & Gong's, with
// Lowe's memoisation of configurations (set of linearized operations, state);
// see search.go. Its memory is bounded: past a heap limit of a few hundred
// megabytes a search forgets what it memoised and carries on, slower but
// still correct.
//
// Two reductions keep verdicts unchanged and make common histories cheap. An
// operation that returns after everything else with a nil (unknown) output —
// how a program written for upstream closes an operation that never
// returned — is searched as pending, and appended at the end if it was left
// out (search.go, lateOps). A model may give Specialize to shrink each
// partition's state space; models.KvModel uses it to merge the values that
// no get can observe (models/kv_specialize.go).
//
// # Results
//
// Without a timeout the answer is always Ok or Illegal. With one, Unknown
// means the check was stopped before it could decide. Verbose variants also
// return a LinearizationInfo for visualisation: for each partition, a
// linearization if it has one, else the longest partial linearizations found.
package porcupine
