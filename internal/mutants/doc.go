// Package mutants measures a lab's test suite by the bugs it catches: it
// builds the lab with each mutant of the lab's catalogue — a classic student
// bug planted by a small source edit — runs the lab's tests against it, and
// reports which tests kill which mutant and how often. It is the logic of
// "distlab mutants".
//
// A lab's catalogue is the file mutants.toml in its folder (see
// raft/mutants.toml for the format). A mutant is built with go build's
// -overlay flag from a mutated copy of each file it edits, written to a
// temporary folder: the working tree is never modified, and unchanged
// packages come from the build cache.
//
// Replay fidelity: for each killed mutant, the first failing run is re-run
// under its seed (and its failure schedule, when the harness wrote one)
// several times; the fraction of those runs that fail again measures how
// well a seed pins a failure down.
//
// # Files
//
//   - catalogue.go: the catalogue format, its checks, mutating a file, the overlay.
//   - run.go: running the tests against each mutant, replaying first failures.
//   - report.go: the kill table and the replay-fidelity table, as text and JSON.
//   - cli.go: the distlab mutants command line.
package mutants
