package labrpc

// A re-creation, for BenchmarkCallClassicBaseline only, of how the classic
// 6.5840 network moves a call: one dispatcher goroutine reading every
// request from a shared channel, a goroutine per request and another per
// handler execution, a timer-polled wait for the handler, and a fresh gob
// encoder or decoder for every argument and reply. Only the reliable path
// is modelled; it measures the cost of the design, not the faults.

import (
	"bytes"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"distlab/labgob"
)

type classicReq struct {
	end     string
	svcMeth string
	args    []byte
	replyCh chan classicReply
}

type classicReply struct {
	ok    bool
	reply []byte
}

type classicNet struct {
	mu      sync.Mutex
	conn    map[string]string
	servers map[string]*Service
	reqs    chan classicReq
	done    chan struct{}
}

func newClassicNet() *classicNet {
	cn := &classicNet{conn: map[string]string{}, servers: map[string]*Service{},
		reqs: make(chan classicReq), done: make(chan struct{})}
	go func() {
		for {
			select {
			case r := <-cn.reqs:
				go cn.process(r)
			case <-cn.done:
				return
			}
		}
	}()
	return cn
}

func (cn *classicNet) call(end, svcMeth string, args, reply interface{}) bool {
	var b bytes.Buffer
	if err := labgob.NewEncoder(&b).Encode(args); err != nil {
		panic(err)
	}
	r := classicReq{end: end, svcMeth: svcMeth, args: b.Bytes(), replyCh: make(chan classicReply)}
	select {
	case cn.reqs <- r:
	case <-cn.done:
		return false
	}
	rep := <-r.replyCh
	if !rep.ok {
		return false
	}
	return labgob.NewDecoder(bytes.NewBuffer(rep.reply)).Decode(reply) == nil
}

func (cn *classicNet) process(r classicReq) {
	cn.mu.Lock()
	svc := cn.servers[cn.conn[r.end]]
	cn.mu.Unlock()
	ech := make(chan classicReply)
	go func() {
		m := svc.methods[r.svcMeth[strings.LastIndexByte(r.svcMeth, '.')+1:]]
		argp := reflect.New(m.argElem)
		if err := labgob.NewDecoder(bytes.NewBuffer(r.args)).Decode(argp.Interface()); err != nil {
			panic(err)
		}
		arg := argp
		if m.argType.Kind() != reflect.Pointer {
			arg = argp.Elem()
		}
		replyp := reflect.New(m.replyElem)
		m.fn.Call([]reflect.Value{svc.rcvr, arg, replyp})
		var b bytes.Buffer
		if err := labgob.NewEncoder(&b).EncodeValue(replyp); err != nil {
			panic(err)
		}
		ech <- classicReply{true, b.Bytes()}
	}()
	for {
		select {
		case rep := <-ech:
			r.replyCh <- rep
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// BenchmarkCallClassicBaseline is BenchmarkCall on the classic design, for
// comparison in the same run.
func BenchmarkCallClassicBaseline(b *testing.B) {
	cn := newClassicNet()
	defer close(cn.done)
	cn.servers["s"] = MakeService(&BenchServer{})
	cn.conn["e"] = "s"
	b.ReportAllocs()
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	for i := 0; b.Loop(); i++ {
		var reply EchoReply
		if !cn.call("e", "BenchServer.Echo", &EchoArgs{N: i, Text: "hello"}, &reply) || reply.N != i {
			b.Fatal("call failed")
		}
	}
}

// BenchmarkCallClassicBaselineInt is BenchmarkCallInt on the classic design.
func BenchmarkCallClassicBaselineInt(b *testing.B) {
	cn := newClassicNet()
	defer close(cn.done)
	cn.servers["s"] = MakeService(&BenchServer{})
	cn.conn["e"] = "s"
	b.ReportAllocs()
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	for i := 0; b.Loop(); i++ {
		var reply string
		if !cn.call("e", "BenchServer.Itoa", i, &reply) || reply == "" {
			b.Fatal("call failed")
		}
	}
}
