// Package testattr names the test attributes that the labtest harness
// reports with testing.T.Attr and that "distlab test" (internal/runner)
// reads back from go test -json, where each is an event
//
//	{"Action":"attr","Test":"TestX","Key":"distlab.seed","Value":"8172635"}
//
// so that no tool parses the harness's human-readable summary line.
package testattr

// The attribute keys. Values never hold a newline.
const (
	Seed      = "distlab.seed"      // the test's seed, a decimal integer; reported as the test starts
	Virtual   = "distlab.virtual"   // how long the test took on its clock, a Go duration ("12.5s"); at its end
	Artifacts = "distlab.artifacts" // the folder of a failed test's artefacts
	Replay    = "distlab.replay"    // the shell command that replays a failed test
)
