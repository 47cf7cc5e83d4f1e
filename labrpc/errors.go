package labrpc

import (
	"errors"
	"fmt"
)

// Errors for programming mistakes. A Call that is wrong in itself (not
// unlucky on the network) panics in the caller's goroutine with an error
// wrapping one of these, naming the call, the culprit and what would be
// right; see the package documentation for why.
var (
	// ErrUnknownService: "Svc.Method" names a service the server lacks.
	ErrUnknownService = errors.New("labrpc: unknown service")
	// ErrUnknownMethod: the service has no handler of that name.
	ErrUnknownMethod = errors.New("labrpc: unknown method")
	// ErrBadName: the name is not of the form "Service.Method".
	ErrBadName = errors.New("labrpc: bad service.method name")
	// ErrBadReply: the reply is not a non-nil pointer to the handler's reply type.
	ErrBadReply = errors.New("labrpc: bad reply")
	// ErrBadArgs: the argument is nil (or a nil pointer), or its type is
	// not the one the handler takes.
	ErrBadArgs = errors.New("labrpc: bad argument")
	// ErrEncoding: gob cannot encode the argument or the reply (an
	// unregistered type inside an interface, a channel, a struct with no
	// exported fields, ...).
	ErrEncoding = errors.New("labrpc: cannot encode")
	// ErrNoHandlers: MakeService was given an object without handlers.
	ErrNoHandlers = errors.New("labrpc: no handler methods")
)

func callErr(kind error, svcMeth, format string, args ...interface{}) error {
	return fmt.Errorf("%w: Call(%q): %s", kind, svcMeth, fmt.Sprintf(format, args...))
}
