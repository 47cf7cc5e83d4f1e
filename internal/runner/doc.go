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
// The harness (distlab/labtest) reports a run's seed, its virtual time, the
// folder of a failure's artefacts and the command that replays it as test
// attributes (testing.T.Attr, keys in distlab/internal/testattr), which
// go test -json passes on as events such as
//
//	{"Action":"attr","Test":"TestX","Key":"distlab.seed","Value":"8172635"}
//
// The runner reads those, not the harness's human-readable summary lines.
//
// Failing runs keep their full output in the output folder, with the command
// that reproduces them. Results can be written as go test -json events, as
// JUnit XML, and, with a rubric, as a score table and a Gradescope
// results.json.
package runner
