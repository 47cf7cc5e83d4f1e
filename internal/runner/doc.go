// Package runner is the engine of "distlab test": it builds each package's
// test binary once, runs every selected test many times, each run in a
// process of its own started from that one binary, and summarises the runs
// from their go test -json events (never by grepping text).
//
// A run is one execution of one test: the binary is started under
// "go tool test2json" with -test.run '^Name$', in a process group of its own,
// so that a timeout or an interrupt kills the test and everything it started.
// Each run gets DISTLAB_ITERATION (1, 2, ...) in its environment and, when a
// base seed is given, DISTLAB_SEED (base + iteration - 1).
//
// The harness (distlab/labtest) prints a few summary lines that the runner
// reads from a run's output, tolerantly: a line mentioning "distlab" with
// "virtual=<duration>" gives the virtual time the test took; "seed=<n>" (or
// DISTLAB_SEED=<n>) the seed it used; "artifacts: <path>" (or "artifacts=",
// "artefacts") the folder of a failure's artefacts; "distlab: replay: <cmd>"
// the command that replays it. labtest prints, for example,
//
//	distlab: virtual=12.5s wall=48ms rpcs=1834 bytes=201377 seed=8172635
//	distlab: artifacts=/tmp/distlab-TestX-123/
//	distlab: replay: DISTLAB_REPLAY=/tmp/distlab-TestX-123/schedule.json go test ./raft -run '^TestX$'
//
// Failing runs keep their full output in the output folder, with the command
// that reproduces them. Results can be written as go test -json events, as
// JUnit XML, and, with a rubric, as a score table and a Gradescope
// results.json.
package runner
