package labrpc

import (
	"fmt"
	"testing"
)

func benchNet(b *testing.B) (*Network, *ClientEnd) {
	rn := MakeNetwork()
	srv := MakeServer()
	srv.AddService(MakeService(&EchoServer{}))
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
	for i := 0; b.Loop(); i++ {
		var reply EchoReply
		if !e.Call("EchoServer.Echo", &EchoArgs{N: i, Text: "hello"}, &reply) || reply.N != i {
			b.Fatal("call failed")
		}
	}
}

// BenchmarkCallParallel is GOMAXPROCS callers, each on its own end.
func BenchmarkCallParallel(b *testing.B) {
	rn, _ := benchNet(b)
	b.ReportAllocs()
	var next int
	var mu = make(chan struct{}, 1)
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
			if !e.Call("EchoServer.Echo", &EchoArgs{N: i, Text: "hello"}, &reply) || reply.N != i {
				b.Fatal("call failed")
			}
			i++
		}
	})
}
