package labrpc

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"distlab/labgob"
)

// panicOf runs f and returns the error it panicked with (nil if none).
func panicOf(t *testing.T, f func()) (err error) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		e, ok := r.(error)
		if !ok {
			t.Fatalf("panicked with a %T, want an error: %v", r, r)
		}
		err = e
	}()
	f()
	return nil
}

type NoExportedFields struct{ C chan int }

type WithChannel struct{ C chan int }

type Holder struct{ Any interface{} }

type unregistered struct{ X int }

func (es *EchoServer) TakesNoFields(args NoExportedFields, reply *int) {}
func (es *EchoServer) TakesHolder(args Holder, reply *int)             {}

func TestBadCallsPanicWithErrorNamingTheCulprit(t *testing.T) {
	var n int
	var r EchoReply
	cases := []struct {
		name    string
		call    func(e *ClientEnd)
		want    error
		mention []string
	}{
		{"unknown service", func(e *ClientEnd) { e.Call("Raft.Echo", &EchoArgs{}, &r) },
			ErrUnknownService, []string{`"Raft"`, "it has: EchoServer"}},
		{"unknown method", func(e *ClientEnd) { e.Call("EchoServer.Ech", &EchoArgs{}, &r) },
			ErrUnknownMethod, []string{`"Ech"`, "Atoi, Block, ByValue, Echo, Itoa"}},
		{"name without a dot", func(e *ClientEnd) { e.Call("Echo", &EchoArgs{}, &r) },
			ErrBadName, []string{`"Service.Method"`}},
		{"reply not a pointer", func(e *ClientEnd) { e.Call("EchoServer.Echo", &EchoArgs{}, r) },
			ErrBadReply, []string{"non-nil pointer", "labrpc.EchoReply"}},
		{"nil reply", func(e *ClientEnd) { e.Call("EchoServer.Echo", &EchoArgs{}, nil) },
			ErrBadReply, []string{"non-nil pointer"}},
		{"nil pointer reply", func(e *ClientEnd) { e.Call("EchoServer.Echo", &EchoArgs{}, (*EchoReply)(nil)) },
			ErrBadReply, []string{"non-nil pointer"}},
		{"reply of another type", func(e *ClientEnd) { e.Call("EchoServer.Echo", &EchoArgs{}, &n) },
			ErrBadReply, []string{"*int", "*labrpc.EchoReply", "EchoServer.Echo"}},
		{"argument of another type", func(e *ClientEnd) { e.Call("EchoServer.Atoi", 5, &n) },
			ErrBadArgs, []string{"type int", "takes a string", "EchoServer.Atoi"}},
		{"nil argument", func(e *ClientEnd) { e.Call("EchoServer.Echo", nil, &r) },
			ErrBadArgs, []string{"args is nil", "*labrpc.EchoArgs"}},
		{"nil pointer argument", func(e *ClientEnd) { e.Call("EchoServer.Echo", (*EchoArgs)(nil), &r) },
			ErrBadArgs, []string{"args is a nil *labrpc.EchoArgs", "&labrpc.EchoArgs{...}"}},
		{"argument gob cannot encode", func(e *ClientEnd) { e.Call("EchoServer.TakesNoFields", NoExportedFields{}, &n) },
			ErrEncoding, []string{"NoExportedFields", "no exported fields"}},
		{"unregistered type in an interface", func(e *ClientEnd) { e.Call("EchoServer.TakesHolder", Holder{Any: unregistered{1}}, &n) },
			ErrEncoding, []string{"Holder", "not registered"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, enabled := range []bool{true, false} {
				virtual(t, func(t *testing.T) {
					old := labgob.SetWarningOutput(&bytes.Buffer{})
					defer labgob.SetWarningOutput(old)
					rn, e, _ := setup(t)
					rn.Enable("e", enabled)
					err := panicOf(t, func() { tc.call(e) })
					if tc.want == ErrEncoding && !enabled {
						if err != nil {
							t.Fatalf("a disabled call encoded its argument: %v", err)
						}
						return // nothing is encoded for a call that goes nowhere
					}
					if !errors.Is(err, tc.want) {
						t.Fatalf("enabled=%v: Call panicked with %v, want an error wrapping %v", enabled, err, tc.want)
					}
					for _, m := range tc.mention {
						if !strings.Contains(err.Error(), m) {
							t.Errorf("error %q does not mention %q", err, m)
						}
					}
				})
			}
		})
	}
}

type NoHandlers struct{}

func (NoHandlers) Start(x int) int     { return x }
func (NoHandlers) Kill()               {}
func (NoHandlers) Bad(a int, b string) {}

type pointerHandlers struct{}

func (*pointerHandlers) Handle(a int, b *int) {}

func TestMakeServiceRejectsObjectWithoutHandlers(t *testing.T) {
	err := panicOf(t, func() { MakeService(NoHandlers{}) })
	if !errors.Is(err, ErrNoHandlers) {
		t.Fatalf("MakeService panicked with %v, want ErrNoHandlers", err)
	}
	for _, m := range []string{"Bad (its second parameter is not a pointer)", "Kill (has 0 parameters",
		"Start (has 1 parameters"} {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not mention %q", err, m)
		}
	}
	if strings.Contains(err.Error(), "pointer receiver") {
		t.Errorf("error %q suggests a pointer receiver, but NoHandlers has no handler either way", err)
	}
	err = panicOf(t, func() { MakeService(pointerHandlers{}) })
	if !errors.Is(err, ErrNoHandlers) || !strings.Contains(err.Error(), "MakeService(&x)") {
		t.Fatalf("value receiver with pointer methods: %v", err)
	}
	if err := panicOf(t, func() { MakeService(nil) }); !errors.Is(err, ErrNoHandlers) {
		t.Fatalf("MakeService(nil): %v", err)
	}
	if err := panicOf(t, func() { MakeService((*pointerHandlers)(nil)) }); !errors.Is(err, ErrNoHandlers) ||
		!strings.Contains(err.Error(), "(*labrpc.pointerHandlers)(nil)") {
		t.Fatalf("MakeService of a nil pointer: %v", err)
	}
}

type lowerArgs struct {
	Term int
	peer int
}

type lowerServer struct{}

func (*lowerServer) Vote(args *lowerArgs, reply *int) {}

// lowerWarned records whether an earlier run in this process (go test
// -count=N) saw the warning: labgob warns once per field per process.
var lowerWarned bool

func TestMakeServiceWarnsAboutLowerCaseFieldsOnce(t *testing.T) {
	var buf bytes.Buffer
	old := labgob.SetWarningOutput(&buf)
	defer labgob.SetWarningOutput(old)
	MakeService(&lowerServer{})
	MakeService(&lowerServer{})
	n := strings.Count(buf.String(), "field peer of type")
	switch {
	case !lowerWarned && n != 1:
		t.Fatalf("want one warning about the lower-case field; got %q", buf.String())
	case lowerWarned && n != 0:
		t.Fatalf("warned again about a field already warned about: %q", buf.String())
	}
	lowerWarned = true
}

func TestAddServiceOfNilSaysMakeService(t *testing.T) {
	defer func() {
		r, _ := recover().(string)
		if !strings.Contains(r, "AddService(nil)") || !strings.Contains(r, "MakeService") {
			t.Fatalf("AddService(nil) panicked with %q, want a message naming AddService(nil) and MakeService", r)
		}
	}()
	MakeServer().AddService(nil)
}

func TestFaultSettingsAreValidated(t *testing.T) {
	rn := MakeNetwork()
	defer rn.Cleanup()
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "Faults.DropReply = 1.5") {
			t.Fatalf("SetFaults with a probability of 1.5 panicked with %v", r)
		}
	}()
	rn.SetFaults(&Faults{DropReply: 1.5})
}

func TestNamesMustBeComparable(t *testing.T) {
	rn := MakeNetwork()
	defer rn.Cleanup()
	for _, f := range []func(){
		func() { rn.MakeEnd([]int{1}) },
		func() { rn.AddServer(map[int]int{}, MakeServer()) },
		func() { rn.MakeEnd(nil) },
	} {
		func() {
			defer func() {
				r, _ := recover().(string)
				if !strings.Contains(r, "name") {
					t.Errorf("panicked with %q, want a message about the name", r)
				}
			}()
			f()
		}()
	}
}
