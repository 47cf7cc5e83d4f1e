package mr

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"os"
	"sync"
	"time"
)

// NetRPC returns the transport for real processes: Go's net/rpc over network
// "unix" (addr is a socket path) or "tcp" (addr is host:port). The
// coordinator listens at addr; workers dial it.
//
// For a unix socket, Serve removes a stale socket file left by a coordinator
// that died, but refuses to start if another coordinator answers there.
func NetRPC(network, addr string) Transport {
	return &netTransport{network: network, addr: addr}
}

type netTransport struct {
	network, addr string
}

// Timeouts of a NetRPC connection. A call is a long poll of about a second,
// so a coordinator that does not answer within callTimeout is hung or gone.
const (
	dialTimeout = 2 * time.Second
	callTimeout = 15 * time.Second
)

func (t *netTransport) String() string { return t.network + ":" + t.addr }

func (t *netTransport) Serve(h Handler) (io.Closer, error) {
	srv := rpc.NewServer()
	if err := srv.RegisterName("Coordinator", &netService{h}); err != nil {
		return nil, fmt.Errorf("register coordinator service: %w", err)
	}
	if t.network == "unix" {
		if c, err := net.DialTimeout("unix", t.addr, dialTimeout); err == nil {
			c.Close()
			return nil, fmt.Errorf("listen on %s: another coordinator is already serving there", t)
		}
		if err := os.Remove(t.addr); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("remove stale socket %s: %w", t.addr, err)
		}
	}
	l, err := net.Listen(t.network, t.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", t, err)
	}
	s := &netServer{srv: srv, l: l, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func (t *netTransport) Dial() (Conn, error) {
	c, err := net.DialTimeout(t.network, t.addr, dialTimeout)
	if err != nil {
		return nil, fmt.Errorf("dial coordinator at %s: %w", t, err)
	}
	return &netConn{c: rpc.NewClient(c), t: t}, nil
}

// netService adapts a Handler to net/rpc's method shape (an error result).
type netService struct{ h Handler }

// RequestTask is Handler.RequestTask for net/rpc.
func (s *netService) RequestTask(args *TaskArgs, reply *TaskReply) error {
	s.h.RequestTask(args, reply)
	return nil
}

// ReportTask is Handler.ReportTask for net/rpc.
func (s *netService) ReportTask(args *ReportArgs, reply *ReportReply) error {
	s.h.ReportTask(args, reply)
	return nil
}

// netServer accepts connections and serves each on its own goroutine until
// Close, which closes the listener, lets workers hang up (or, after
// closeGrace, closes their connections) and waits for all of those
// goroutines.
type netServer struct {
	srv *rpc.Server
	l   net.Listener
	wg  sync.WaitGroup

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]bool
}

func (s *netServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return // listener closed (or broken): stop accepting
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.srv.ServeConn(c) // closes c when the peer hangs up or Close closes it
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// closeGrace is how long Close lets connected workers read their last
// replies and hang up before it closes their connections.
const closeGrace = time.Second

func (s *netServer) Close() error {
	s.mu.Lock()
	s.closed = true
	err := s.l.Close() // also removes a unix socket file
	s.mu.Unlock()
	// A reply written after its handler returned must not be cut off: wait
	// for workers to hang up (they do once told to exit), then force it.
	ended := make(chan struct{})
	go func() { s.wg.Wait(); close(ended) }()
	timer := time.NewTimer(closeGrace)
	defer timer.Stop()
	select {
	case <-ended:
	case <-timer.C:
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		<-ended
	}
	return err
}

type netConn struct {
	c *rpc.Client
	t *netTransport
}

func (c *netConn) Call(method string, args, reply any) error {
	call := c.c.Go(method, args, reply, make(chan *rpc.Call, 1))
	timer := time.NewTimer(callTimeout)
	defer timer.Stop()
	select {
	case <-call.Done:
		if call.Error != nil {
			return fmt.Errorf("%s to %s: %w", method, c.t, call.Error)
		}
		return nil
	case <-timer.C:
		c.c.Close()
		return fmt.Errorf("%s to %s: no reply within %v", method, c.t, callTimeout)
	}
}

func (c *netConn) Close() error { return c.c.Close() }
