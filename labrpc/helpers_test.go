package labrpc

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// virtual runs f in a synctest bubble: time is virtual, and the bubble
// fails if a goroutine outlives f.
func virtual(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, f)
}

// both runs f in a bubble and on the real clock.
func both(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("virtual", func(t *testing.T) { synctest.Test(t, f) })
	t.Run("realtime", f)
}

type EchoArgs struct {
	N    int
	Text string
}

type EchoReply struct {
	N    int
	Text string
}

// EchoServer is the handler object of most tests.
type EchoServer struct {
	mu      sync.Mutex
	seen    []int
	release chan struct{} // Block waits on it
	entered chan struct{} // Block signals on it (if not nil)
}

func (es *EchoServer) Echo(args *EchoArgs, reply *EchoReply) {
	es.mu.Lock()
	es.seen = append(es.seen, args.N)
	es.mu.Unlock()
	reply.N = args.N
	reply.Text = args.Text
}

func (es *EchoServer) Atoi(args string, reply *int) {
	n, err := strconv.Atoi(args)
	if err != nil {
		n = -1
	}
	*reply = n
}

func (es *EchoServer) Itoa(args int, reply *string) {
	*reply = "x" + strconv.Itoa(args)
}

func (es *EchoServer) ByValue(args EchoArgs, reply *EchoReply) {
	reply.N = args.N * 2
}

// Mutate changes its argument, which must not reach the caller.
func (es *EchoServer) Mutate(args *EchoArgs, reply *EchoReply) {
	args.N = -1
	reply.N = 7
}

// Block waits until release is closed.
func (es *EchoServer) Block(args int, reply *int) {
	if es.entered != nil {
		es.entered <- struct{}{}
	}
	<-es.release
	*reply = args
}

// Sleep sleeps for args milliseconds.
func (es *EchoServer) Sleep(args int, reply *int) {
	time.Sleep(time.Duration(args) * time.Millisecond)
	*reply = args
}

func (es *EchoServer) Seen() []int {
	es.mu.Lock()
	defer es.mu.Unlock()
	return append([]int(nil), es.seen...)
}

// setup makes a network with one EchoServer named "s" and one enabled end
// named "e" connected to it.
func setup(t *testing.T) (*Network, *ClientEnd, *EchoServer) {
	t.Helper()
	rn := MakeNetwork()
	rn.SetSeed(1)
	es := &EchoServer{release: make(chan struct{})}
	srv := MakeServer()
	srv.AddService(MakeService(es))
	rn.AddServer("s", srv)
	e := rn.MakeEnd("e")
	rn.Connect("e", "s")
	rn.Enable("e", true)
	t.Cleanup(func() {
		select {
		case <-es.release:
		default:
			close(es.release)
		}
		rn.Cleanup()
	})
	return rn, e, es
}

func echo(e *ClientEnd, n int) (EchoReply, bool) {
	var reply EchoReply
	ok := e.Call("EchoServer.Echo", &EchoArgs{N: n, Text: fmt.Sprint(n)}, &reply)
	return reply, ok
}

func synctestWait() { synctest.Wait() }

// callInHandler starts e.Call("EchoServer.Block", n) on a goroutine of its
// own and returns once the handler is running (blocked until es.release is
// closed); the channel receives the call's result.
func callInHandler(e *ClientEnd, es *EchoServer, n int) <-chan bool {
	es.entered = make(chan struct{}, 1)
	res := make(chan bool)
	go func() {
		var r int
		res <- e.Call("EchoServer.Block", n, &r)
	}()
	<-es.entered
	return res
}
