// Package autograder writes and runs a Gradescope autograder for a lab: the
// logic of "distlab autograder".
//
// The bundle (a zip, uploaded to Gradescope as the autograder) holds
//
//	setup.sh                 run once when Gradescope builds the image: installs Go
//	                         from the distribution's packages and builds distlab
//	run_autograder           run for each submission: grades it
//	distlab-autograder.json  the bundle's settings (Config): the lab, the rubric, -race
//	rubric.toml (or .json)   the instructor's rubric, as for distlab test -rubric
//	module/                  the distlab module's source: the harness and the lab's tests
//
// Gradescope unpacks it in /autograder/source and puts a student's files in
// /autograder/submission. run_autograder (distlab autograder -grade ROOT)
// copies the module, replaces the lab's non-test Go files by the
// submission's (the lab's tests are never taken from a submission), runs
// the rubric's tests as distlab test does — each test in its own process,
// as many runs as the rubric asks — and writes ROOT/results/results.json. A
// submission that does not build scores nothing, with the compiler's
// message as its output. AUTOGRADER_ROOT moves ROOT from /autograder, for
// trying a bundle locally.
//
// # Files
//
//   - bundle.go: the bundle's files and the zip.
//   - grade.go: grading one submission.
//   - cli.go: the distlab autograder command line.
package autograder
