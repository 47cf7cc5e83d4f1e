package porcupine

// A CheckResult is the verdict of a linearizability check.
//
// Deciding linearizability is NP-hard in general, so a check can take long;
// the Timeout and Verbose variants accept a time limit and answer Unknown when
// they reach it before deciding. A caller that only wants to find bugs may
// treat Unknown as "no violation found in time".
type CheckResult string

// The three verdicts.
const (
	Unknown CheckResult = "Unknown" // the check stopped (timeout) before deciding
	Ok      CheckResult = "Ok"      // linearizable
	Illegal CheckResult = "Illegal" // not linearizable
)
