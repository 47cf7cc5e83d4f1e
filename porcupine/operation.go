package porcupine

import "math"

// NoReturn is the Return timestamp of a pending operation: one that was called
// but never returned, because its client crashed or gave up. A pending
// operation may take effect at any instant after its Call, or never.
const NoReturn int64 = math.MaxInt64

// An Operation is one call of the system under test, with the timestamps of its
// invocation and its response.
//
// The interval [Call, Return] is closed: an operation that returns at t is
// concurrent with one called at t. Return == NoReturn marks a pending
// operation (see the package documentation). A Return earlier than Call is
// treated as equal to Call.
type Operation struct {
	ClientId int         // which client made the call, from 0; used only by visualisation
	Input    interface{} // the arguments, passed to the model's Step
	Call     int64       // invocation timestamp
	Output   interface{} // the result, passed to the model's Step (which gets nil if pending)
	Return   int64       // response timestamp, or NoReturn if the operation never returned
	// Metadata is anything the caller wants to show in a visualisation; the
	// checker ignores it.
	Metadata interface{}
	_        struct{} // fields must be named, so that new ones can be added
}

// Pending reports whether op never returned (its Return is NoReturn).
func (op Operation) Pending() bool { return op.Return == NoReturn }

// An EventKind says whether an Event is a call or a return.
type EventKind bool

// The two kinds of Event.
const (
	CallEvent   EventKind = false
	ReturnEvent EventKind = true
)

// An Event is one call or one return in a history given as a sequence of
// events. The order of the slice is the order in which things happened; there
// are no timestamps.
//
// A call and its return share an Id, unique among the history's calls. A call
// with no return event is a pending operation (see the package documentation).
// The Value of a call event is the operation's input and the Value of a return
// event its output.
type Event struct {
	ClientId int // which client made the call, from 0; used only by visualisation
	Kind     EventKind
	Value    interface{}
	Id       int
	// Metadata is anything the caller wants to show in a visualisation; the
	// checker ignores it. It may be set on the call, the return or both; the
	// return's wins.
	Metadata interface{}
	_        struct{} // fields must be named, so that new ones can be added
}
