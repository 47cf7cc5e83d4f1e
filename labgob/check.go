package labgob

import (
	"encoding"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"unicode"
	"unicode/utf8"
)

var (
	warnMu     sync.Mutex
	warnOut    io.Writer = os.Stderr
	warned               = map[string]bool{} // keys of warnings already printed
	errorCount int                           // warnings printed so far; the classic labgob tests read it by this name

	checkedTypes sync.Map // reflect.Type -> struct{}: CheckType already ran
)

// SetWarningOutput directs labgob's warnings to w (standard error by
// default) and returns the previous writer.
func SetWarningOutput(w io.Writer) io.Writer {
	warnMu.Lock()
	defer warnMu.Unlock()
	old := warnOut
	warnOut = w
	return old
}

// Warnings returns how many warnings labgob has printed so far.
func Warnings() int {
	warnMu.Lock()
	defer warnMu.Unlock()
	return errorCount
}

// warn prints the message unless a warning with the same key was printed
// before.
func warn(key, msg string) {
	warnMu.Lock()
	defer warnMu.Unlock()
	if warned[key] {
		return
	}
	warned[key] = true
	errorCount++
	fmt.Fprintln(warnOut, "labgob warning: "+msg)
}

var (
	gobEncoderType    = reflect.TypeFor[gob.GobEncoder]()
	binaryMarshalType = reflect.TypeFor[encoding.BinaryMarshaler]()
	textMarshalType   = reflect.TypeFor[encoding.TextMarshaler]()
)

// encodesItself reports whether gob hands values of t to their own
// marshalling methods instead of looking at their fields.
func encodesItself(t reflect.Type) bool {
	for _, it := range []reflect.Type{gobEncoderType, binaryMarshalType, textMarshalType} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

// CheckType warns, once per field, about every struct field reachable from
// t (through structs, pointers, slices, arrays and maps) whose name starts
// with a lower-case letter: gob would silently not send it. It is cheap to
// call again for a type already checked. Encoder, Decoder and Register call
// it; labrpc calls it for every argument and reply type.
func CheckType(t reflect.Type) {
	if t == nil {
		return
	}
	if _, done := checkedTypes.Load(t); done {
		return
	}
	checkType(t, map[reflect.Type]bool{})
	checkedTypes.Store(t, struct{}{})
}

func checkType(t reflect.Type, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		checkType(t.Elem(), seen)
	case reflect.Map:
		checkType(t.Key(), seen)
		checkType(t.Elem(), seen)
	case reflect.Struct:
		if encodesItself(t) {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			switch f.Type.Kind() {
			case reflect.Chan, reflect.Func:
				continue // gob ignores these fields by design
			}
			if !f.IsExported() {
				warn("field "+t.String()+"."+f.Name, fmt.Sprintf(
					"field %s of type %s is not exported (its name does not start with an upper-case letter), "+
						"so gob will not send it and the receiver will see its zero value; rename it %s "+
						"(or leave it out of RPC and persisted structs)",
					f.Name, typeName(t), exported(f.Name)))
				continue
			}
			checkType(f.Type, seen)
		}
	}
}

func typeName(t reflect.Type) string {
	if t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

// exported suggests an exported name for the field name: its first letter
// in upper case, or "X" prefixed when it has no upper-case form ("名", "_").
func exported(name string) string {
	r, n := utf8.DecodeRuneInString(name)
	if r == '_' && n < len(name) {
		return exported(name[n:])
	}
	if u := unicode.ToUpper(r); unicode.IsUpper(u) {
		return string(u) + name[n:]
	}
	return "X" + name
}

// CheckZero warns, once per field, when the value that v points to (or any
// exported field nested in it) is not its type's zero value: gob leaves a
// field untouched when the incoming value is zero, so old data would survive
// the decoding. Decoder.Decode calls it.
func CheckZero(v reflect.Value) {
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return
	}
	root := v.Elem().Type().String()
	checkZero(v.Elem(), root, root, 0)
}

func checkZero(v reflect.Value, path, root string, depth int) {
	if depth > 32 {
		return // a cycle through pointers; gob cannot encode those anyway
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			checkZero(v.Elem(), path, root, depth+1)
		}
		return
	case reflect.Struct:
		if !encodesItself(v.Type()) {
			t := v.Type()
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				switch f.Type.Kind() {
				case reflect.Chan, reflect.Func:
					continue
				}
				checkZero(v.Field(i), path+"."+f.Name, root, depth+1)
			}
			return
		}
	}
	if v.IsZero() {
		return
	}
	if (v.Kind() == reflect.Map || v.Kind() == reflect.Slice) && v.Len() == 0 {
		return // empty: nothing stale can survive
	}
	what := "a variable of type " + root
	if path != root {
		what = "field " + path
	}
	warn("nonzero "+path, fmt.Sprintf(
		"decoding into %s that already holds %s; gob does not overwrite a field whose incoming value is "+
			"zero, so this old value may survive the decoding. Decode into a freshly declared variable.",
		what, show(v)))
}

func show(v reflect.Value) string {
	s := fmt.Sprintf("%v", v.Interface())
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}
