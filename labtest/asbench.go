package labtest

import "testing"

// RunAsTest runs body with Run, as a test of its own named name, and reports
// whether it passed. It is for benchmarks, which cannot call Run (it needs a
// *testing.T): each iteration of a benchmark loop can run a whole cluster in
// a virtual-time bubble. It ignores -test.run, which a benchmark run sets to
// "^$".
//
//	for b.Loop() {
//		if !labtest.RunAsTest("Reconfiguring", body) {
//			b.Fatal("the benchmark's cluster failed")
//		}
//	}
func RunAsTest(name string, body func(t *testing.T)) bool {
	return testing.RunTests(func(pat, str string) (bool, error) { return true, nil },
		[]testing.InternalTest{{Name: name, F: func(t *testing.T) { Run(t, body) }}})
}
