package mr

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// A Transport carries the worker protocol between workers and a coordinator.
// Two are provided: NetRPC (net/rpc over a unix socket or TCP, for real
// processes) and Labrpc (distlab's simulated network, for in-process tests in
// virtual time). A Transport value is shared by the coordinator and the
// workers of one job and must be safe for concurrent use.
type Transport interface {
	// Serve starts delivering RPCs to h and returns once the coordinator is
	// reachable. Closing the returned Closer stops serving and releases every
	// resource Serve acquired (sockets, goroutines); calls in progress return.
	Serve(h Handler) (io.Closer, error)
	// Dial returns a connection to the coordinator. It may succeed even when
	// nobody is serving yet; Call then fails.
	Dial() (Conn, error)
	// String names the transport in messages, e.g. "unix:/var/tmp/x".
	String() string
}

// A Conn is a worker's connection to the coordinator. It is used by one
// goroutine at a time.
type Conn interface {
	// Call sends one RPC (methodRequestTask or methodReportTask) and waits
	// for its reply. A non-nil error means the call may not have happened;
	// the protocol's RPCs are idempotent, so the caller may retry.
	Call(method string, args, reply any) error
	Close() error
}

// AddrEnv is the environment variable that overrides the default coordinator
// address of MakeCoordinator, Worker and the mr commands.
const AddrEnv = "DISTLAB_MR_ADDR"

// DefaultAddr is the address MakeCoordinator and Worker use when AddrEnv is
// unset: a unix socket in /var/tmp private to the user, so that two users of
// one machine do not collide.
func DefaultAddr() string {
	if a := os.Getenv(AddrEnv); a != "" {
		return a
	}
	return fmt.Sprintf("unix:/var/tmp/distlab-mr-%d", os.Getuid())
}

// ParseAddr turns an address into a NetRPC transport. Accepted forms:
//
//	unix:/path/to/socket   a unix-domain socket (one machine)
//	tcp:host:port          TCP; "tcp::7777" or "tcp:0.0.0.0:7777" listens on every interface
//	/path/to/socket        same as unix:/path/to/socket
//	host:port              same as tcp:host:port
func ParseAddr(addr string) (Transport, error) {
	switch {
	case addr == "":
		return nil, errors.New("empty coordinator address")
	case strings.HasPrefix(addr, "unix:"):
		return nonEmpty("unix", strings.TrimPrefix(addr, "unix:"), addr)
	case strings.HasPrefix(addr, "tcp:"):
		return nonEmpty("tcp", strings.TrimPrefix(addr, "tcp:"), addr)
	case strings.HasPrefix(addr, "/"), strings.HasPrefix(addr, "."):
		return NetRPC("unix", addr), nil
	case strings.Contains(addr, ":"):
		return NetRPC("tcp", addr), nil
	}
	return nil, fmt.Errorf("coordinator address %q: want unix:/path, tcp:host:port, /path or host:port", addr)
}

func nonEmpty(network, a, orig string) (Transport, error) {
	if a == "" {
		return nil, fmt.Errorf("coordinator address %q: nothing after %q", orig, network+":")
	}
	return NetRPC(network, a), nil
}

// defaultTransport is the transport of the classic API (MakeCoordinator,
// Worker): ParseAddr(DefaultAddr()).
func defaultTransport() (Transport, error) {
	t, err := ParseAddr(DefaultAddr())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", AddrEnv, err)
	}
	return t, nil
}
