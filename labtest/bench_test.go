package labtest_test

import (
	"os"
	"testing"
	"time"

	"distlab/labtest"
)

// BenchmarkIdleHeartbeatCluster runs an idle 5-server cluster whose servers
// send each other heartbeats every 100 ms (40 RPCs per second) for 60
// virtual seconds, and reports how many virtual seconds pass per second of
// wall time.
func BenchmarkIdleHeartbeatCluster(b *testing.B) {
	b.Setenv(labtest.EnvRealtime, "")
	const span = 60 * time.Second
	var wall time.Duration
	for b.Loop() {
		start := time.Now()
		ok := labtest.RunAsTest("IdleHeartbeatCluster", func(t *testing.T) {
			labtest.NewCluster(t, 5, startBeat(100*time.Millisecond))
			time.Sleep(span)
		})
		wall += time.Since(start)
		if !ok {
			b.Fatal("the cluster's test failed")
		}
	}
	b.ReportMetric(float64(b.N)*span.Seconds()/wall.Seconds(), "virtual-s/wall-s")
}

// shortTest is a short test without sleeps: a 3-server cluster, 3000
// sequential client calls and a crash and restart. Its wall time is the
// harness's and the network's own cost.
func shortTest(t *testing.T) {
	c := labtest.NewCluster(t, 3, startQuiet)
	cl := c.MakeClient()
	for i := 0; i < 3000; i++ {
		var reply int
		if !cl.Ends()[i%3].Call("Quiet.Echo", 0, &reply) {
			t.Fatalf("call %d failed on a reliable network", i)
		}
		if i == 1500 {
			c.Crash(1)
			c.Restart(1)
		}
	}
}

// BenchmarkBubbleOverhead runs the same short test in a virtual-time bubble
// and on the real clock, alternately, and reports the wall time of each and
// their ratio.
func BenchmarkBubbleOverhead(b *testing.B) {
	var bubble, real time.Duration
	for b.Loop() {
		os.Setenv(labtest.EnvRealtime, "")
		start := time.Now()
		ok := labtest.RunAsTest("ShortTestBubble", shortTest)
		bubble += time.Since(start)
		os.Setenv(labtest.EnvRealtime, "1")
		start = time.Now()
		ok = labtest.RunAsTest("ShortTestRealtime", shortTest) && ok
		real += time.Since(start)
		if !ok {
			b.Fatal("the short test failed")
		}
	}
	os.Unsetenv(labtest.EnvRealtime)
	b.ReportMetric(float64(bubble.Nanoseconds())/float64(b.N), "bubble-ns/run")
	b.ReportMetric(float64(real.Nanoseconds())/float64(b.N), "realtime-ns/run")
	b.ReportMetric(float64(bubble)/float64(real), "bubble/realtime")
}
