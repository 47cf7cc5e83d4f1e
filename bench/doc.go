// Package bench measures distlab/porcupine against github.com/anishathalye/
// porcupine v1.3.1 (upstream's newest release) on identical inputs, and
// checks that both give the known verdict on every history. It is a module
// of its own so that the main module does not depend on upstream porcupine.
//
// The histories (Cases, in cases.go): upstream's own test data (Jepsen etcd
// logs and kv logs, found in the module cache; data.go parses them),
// histories recorded from kvraft chaos runs in testdata/kvraft (kvraft.go;
// TestRecordKvraftHistories records them again), and generated histories
// whose verdicts are known by construction (generate.go). An operation that
// never returned is given to both checkers as one that returns after
// everything else with an unknown (nil) output, the form upstream needs;
// ours is also measured with it pending, a form only ours accepts.
//
//	cd bench && go run ./cmd/samecheck -cpu -v   # the README's table
//	cd bench && go test -run Verdict -v .
//	cd bench && go test -run '^$' -bench . -benchtime 5x
package bench
