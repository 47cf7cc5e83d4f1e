package mr

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"distlab/labrpc"
)

// Labrpc returns the transport over distlab's simulated network, for
// in-process jobs (tests in virtual time): the coordinator is served as the
// labrpc server named server, and each Dial makes a new end connected to it.
// The caller owns net and cleans it up after the job.
func Labrpc(net *labrpc.Network, server string) Transport {
	return &labTransport{net: net, server: server}
}

type labTransport struct {
	net    *labrpc.Network
	server string
	ends   atomic.Int64
}

func (t *labTransport) String() string { return "labrpc:" + t.server }

// Serve adds h as the server. The service is named after h's type, so h
// must be a *Coordinator (the methods are called "Coordinator.RequestTask").
func (t *labTransport) Serve(h Handler) (io.Closer, error) {
	if _, ok := h.(*Coordinator); !ok {
		return nil, fmt.Errorf("labrpc transport serves a *mr.Coordinator, not a %T", h)
	}
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(h))
	t.net.AddServer(t.server, srv)
	return closerFunc(func() error { t.net.DeleteServer(t.server); return nil }), nil
}

func (t *labTransport) Dial() (Conn, error) {
	name := fmt.Sprintf("%s-worker-%d", t.server, t.ends.Add(1))
	end := t.net.MakeEnd(name)
	t.net.Connect(name, t.server)
	t.net.Enable(name, true)
	return &labConn{t: t, end: end, name: name}, nil
}

type labConn struct {
	t    *labTransport
	end  *labrpc.ClientEnd
	name string
}

var errLost = errors.New("no reply (lost, or the server is gone)")

func (c *labConn) Call(method string, args, reply any) error {
	if !c.end.Call(method, args, reply) {
		return fmt.Errorf("%s via %s: %w", method, c.t, errLost)
	}
	return nil
}

func (c *labConn) Close() error {
	c.t.net.DeleteEnd(c.name)
	return nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
