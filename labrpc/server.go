package labrpc

import (
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// A Server is a collection of Services reachable under one name on a
// Network (see Network.AddServer). A Server is safe for concurrent use.
type Server struct {
	mu       sync.RWMutex
	services map[string]*Service
	count    atomic.Int64 // handler executions, including duplicates
}

// MakeServer returns a Server without services.
func MakeServer() *Server {
	return &Server{services: map[string]*Service{}}
}

// AddService makes the handlers of svc callable on rs as "Name.Method",
// where Name is svc's name. A service of the same name is replaced.
func (rs *Server) AddService(svc *Service) {
	if svc == nil {
		panic("labrpc: Server.AddService(nil): make the service with MakeService(rcvr)")
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.services[svc.name] = svc
}

// GetCount returns how many requests rs has handled (each duplicate
// delivery counts).
func (rs *Server) GetCount() int {
	return int(rs.count.Load())
}

// method resolves "Service.Method" or panics with an error listing what
// exists.
func (rs *Server) method(svcMeth string, server interface{}) *method {
	dot := strings.LastIndexByte(svcMeth, '.')
	if dot <= 0 || dot == len(svcMeth)-1 {
		panic(callErr(ErrBadName, svcMeth, "name the handler as \"Service.Method\", e.g. \"Raft.RequestVote\""))
	}
	rs.mu.RLock()
	svc := rs.services[svcMeth[:dot]]
	rs.mu.RUnlock()
	if svc == nil {
		panic(callErr(ErrUnknownService, svcMeth, "server %v has no service %q; it has: %s",
			server, svcMeth[:dot], rs.serviceNames()))
	}
	m := svc.lookup(svcMeth[dot+1:])
	if m == nil {
		panic(callErr(ErrUnknownMethod, svcMeth, "service %s has no handler %q; its handlers are: %s",
			svc.name, svcMeth[dot+1:], strings.Join(svc.names, ", ")))
	}
	return m
}

func (rs *Server) serviceNames() string {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	if len(rs.services) == 0 {
		return "none (call AddService before AddServer)"
	}
	var names []string
	for n := range rs.services {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// invoke runs the handler m with a decoded argument (a pointer to the
// argument value) and a fresh reply, and returns the reply pointer.
func (rs *Server) invoke(m *method, argp reflect.Value) reflect.Value {
	rs.count.Add(1)
	reply := reflect.New(m.replyElem)
	arg := argp
	if m.argType.Kind() != reflect.Pointer {
		arg = argp.Elem()
	}
	in := [3]reflect.Value{m.svc.rcvr, arg, reply}
	m.fn.Call(in[:])
	return reply
}
