package labrpc

import (
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used, in all its threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the metric cpu-ns/op: CPU time per call, which other
// load on the machine disturbs less than wall time.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchServer's handlers do as little as a handler can.
type BenchServer struct{}

func (*BenchServer) Echo(args *EchoArgs, reply *EchoReply) { reply.N, reply.Text = args.N, args.Text }
func (*BenchServer) Itoa(args int, reply *string)          { *reply = strconv.Itoa(args) }

func benchNet(b *testing.B) (*Network, *ClientEnd) {
	rn := MakeNetwork()
	srv := MakeServer()
	srv.AddService(MakeService(&BenchServer{}))
	rn.AddServer("s", srv)
	e := rn.MakeEnd("e")
	rn.Connect("e", "s")
	rn.Enable("e", true)
	b.Cleanup(rn.Cleanup)
	return rn, e
}

// BenchmarkCall is one caller making small calls on a reliable network.
func BenchmarkCall(b *testing.B) {
	_, e := benchNet(b)
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		var reply EchoReply
		if !e.Call("BenchServer.Echo", &EchoArgs{N: i, Text: "hello"}, &reply) || reply.N != i {
			b.Fatal("call failed")
		}
	}
	reportCPU(b, start)
}

// BenchmarkCallInt is BenchmarkCall with an int argument and a string
// reply, the workload of the classic labrpc benchmark.
func BenchmarkCallInt(b *testing.B) {
	_, e := benchNet(b)
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		var reply string
		if !e.Call("BenchServer.Itoa", i, &reply) || reply == "" {
			b.Fatal("call failed")
		}
	}
	reportCPU(b, start)
}

// BenchmarkCallParallel is GOMAXPROCS callers, each on its own end.
func BenchmarkCallParallel(b *testing.B) {
	rn, _ := benchNet(b)
	b.ReportAllocs()
	var next int
	var mu = make(chan struct{}, 1)
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	b.RunParallel(func(pb *testing.PB) {
		mu <- struct{}{}
		name := fmt.Sprint("p", next)
		next++
		e := rn.MakeEnd(name)
		rn.Connect(name, "s")
		rn.Enable(name, true)
		<-mu
		i := 0
		for pb.Next() {
			var reply EchoReply
			if !e.Call("BenchServer.Echo", &EchoArgs{N: i, Text: "hello"}, &reply) || reply.N != i {
				b.Fatal("call failed")
			}
			i++
		}
	})
}
