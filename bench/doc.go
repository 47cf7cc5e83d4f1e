// Package bench measures distlab/porcupine against github.com/anishathalye/
// porcupine v1.3.1 on the test data that module ships (Jepsen etcd logs and
// key/value logs), and checks that both give the expected verdict on every
// file. It is a module of its own so that the main module does not depend on
// upstream porcupine.
//
//	cd bench && go test -run Verdicts -v
//	cd bench && go test -run '^$' -bench . -benchtime 5x
package bench
