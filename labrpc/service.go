package labrpc

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"distlab/labgob"
)

// A Service is an object's RPC handlers, made by MakeService and added to a
// Server with AddService. A Service is immutable and safe for concurrent use.
type Service struct {
	name    string // the receiver's type name: "Raft" for a *Raft
	rcvr    reflect.Value
	methods map[string]*method
	names   []string // sorted handler names, for error messages
}

// A method is one handler: func (rcvr) Name(args A, reply *R).
type method struct {
	svc       *Service
	name      string
	fn        reflect.Value // the method's function; its first argument is the receiver
	argType   reflect.Type  // A as declared: T or *T
	argElem   reflect.Type  // T: what the argument is decoded into
	replyElem reflect.Type  // R
}

// MakeService returns the Service of rcvr, normally a pointer to a peer such
// as a *Raft. Its handlers are the exported methods with two parameters, the
// second a pointer, and no results:
//
//	func (rf *Raft) RequestVote(args *RequestVoteArgs, reply *RequestVoteReply)
//
// The argument may be a value or a pointer. Other exported methods (Start,
// GetState, Kill, ...) are ignored. The service is named after the
// receiver's type ("Raft"), and callers name a handler "Raft.RequestVote".
//
// MakeService panics with an error wrapping ErrNoHandlers, naming every
// exported method and why it is not a handler, if rcvr has no handler at
// all: that is always a mistake, and a silent empty service would only fail
// later, at the first call.
func MakeService(rcvr interface{}) *Service {
	if rcvr == nil {
		panic(fmt.Errorf("%w: labrpc.MakeService(nil): pass the object whose methods are the handlers, e.g. MakeService(rf)", ErrNoHandlers))
	}
	rv := reflect.ValueOf(rcvr)
	rt := rv.Type()
	if rt.Kind() == reflect.Pointer && rv.IsNil() {
		panic(fmt.Errorf("%w: labrpc.MakeService((%s)(nil)): the receiver is a nil pointer; "+
			"pass the object whose methods are the handlers, e.g. MakeService(rf) after rf := &Raft{...}", ErrNoHandlers, rt))
	}
	svc := &Service{name: reflect.Indirect(rv).Type().Name(), rcvr: rv, methods: map[string]*method{}}
	var rejected []string
	for i := 0; i < rt.NumMethod(); i++ {
		m := rt.Method(i)
		if why := handlerProblem(m.Type); why != "" {
			rejected = append(rejected, m.Name+" ("+why+")")
			continue
		}
		argType := m.Type.In(1)
		argElem := argType
		if argElem.Kind() == reflect.Pointer {
			argElem = argElem.Elem()
		}
		labgob.CheckType(argType)
		labgob.CheckType(m.Type.In(2))
		svc.methods[m.Name] = &method{svc: svc, name: m.Name, fn: m.Func, argType: argType,
			argElem: argElem, replyElem: m.Type.In(2).Elem()}
		svc.names = append(svc.names, m.Name)
	}
	if len(svc.methods) == 0 {
		list := "it has no exported methods (a handler's name must start with an upper-case letter)"
		if len(rejected) > 0 {
			list = "its exported methods are not handlers: " + strings.Join(rejected, ", ")
		}
		if rt.Kind() != reflect.Pointer && hasHandler(reflect.PointerTo(rt)) {
			list += "; its methods with a pointer receiver are handlers: pass MakeService(&x), not MakeService(x)"
		}
		panic(fmt.Errorf("%w: labrpc.MakeService(%s): %s; a handler looks like "+
			"func (x *T) Name(args ArgsType, reply *ReplyType)", ErrNoHandlers, rt, list))
	}
	sort.Strings(svc.names)
	return svc
}

func hasHandler(t reflect.Type) bool {
	for i := 0; i < t.NumMethod(); i++ {
		if handlerProblem(t.Method(i).Type) == "" {
			return true
		}
	}
	return false
}

// handlerProblem says why a method of type mt (receiver first) is not a
// handler, or returns "" if it is one.
func handlerProblem(mt reflect.Type) string {
	switch {
	case mt.NumIn() != 3:
		return fmt.Sprintf("has %d parameters, a handler has 2", mt.NumIn()-1)
	case mt.NumOut() != 0:
		return "has results, a handler has none"
	case mt.In(2).Kind() != reflect.Pointer:
		return "its second parameter is not a pointer"
	case mt.In(1).Kind() == reflect.Pointer && mt.In(1).Elem().Kind() == reflect.Pointer:
		return "its first parameter is a pointer to a pointer"
	case mt.In(1).Kind() == reflect.Interface:
		return "its first parameter is an interface; gob needs a concrete type"
	}
	return ""
}

// lookup finds the method named by the part of "Service.Method" after the
// dot.
func (svc *Service) lookup(name string) *method { return svc.methods[name] }

// checkCall panics with a clear error if args or reply do not fit the
// handler. Caller bugs must be loud and name the culprit.
func (m *method) checkCall(svcMeth string, args interface{}, reply reflect.Value) {
	if args == nil {
		panic(callErr(ErrBadArgs, svcMeth, "args is nil; pass a %s", m.argType))
	}
	if av := reflect.ValueOf(args); av.Kind() == reflect.Pointer && av.IsNil() {
		panic(callErr(ErrBadArgs, svcMeth, "args is a nil %T; pass a pointer to a value, e.g. &%s{...}",
			args, m.argElem))
	}
	at := reflect.TypeOf(args)
	for at.Kind() == reflect.Pointer && m.argElem.Kind() != reflect.Pointer {
		at = at.Elem()
	}
	if at != m.argElem {
		panic(callErr(ErrBadArgs, svcMeth, "args has type %T but the handler %s.%s takes a %s",
			args, m.svc.name, m.name, m.argType))
	}
	if reply.Type().Elem() != m.replyElem {
		panic(callErr(ErrBadReply, svcMeth, "reply has type %s but the handler %s.%s replies with a *%s",
			reply.Type(), m.svc.name, m.name, m.replyElem))
	}
}
