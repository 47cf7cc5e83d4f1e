// Package labgob is encoding/gob with two guard rails for students.
//
// gob silently drops what it cannot see, which turns two common mistakes into
// bugs that show up far from their cause:
//
//   - A struct field whose name starts with a lower-case letter is not
//     exported, so gob neither sends nor receives it: the other side sees the
//     field's zero value. labgob warns, once per field, the first time a type
//     containing such a field is encoded, decoded or registered.
//   - gob does not transmit a field whose value is the zero value, so decoding
//     into a variable that already holds data leaves the old value wherever the
//     sender's value was zero. labgob warns, once per field, when Decode is
//     given a value that is not at its zero value (checking nested struct
//     fields too), and names the field.
//
// The API is the one the labs have always used: NewEncoder, Encode,
// EncodeValue, NewDecoder, Decode, Register and RegisterName, with the meaning
// they have in encoding/gob. Warnings go to standard error (see
// SetWarningOutput) and never change what is encoded or decoded.
//
// Encoders and Decoders, like gob's, are not safe for concurrent use; the
// package-level functions are.
package labgob

import (
	"encoding/gob"
	"fmt"
	"io"
	"reflect"
)

// An Encoder writes gob-encoded values to a stream, warning about struct
// fields that gob would not send.
type Encoder struct {
	gob *gob.Encoder
}

// LabEncoder is the classic labs' name of Encoder.
type LabEncoder = Encoder

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{gob: gob.NewEncoder(w)}
}

// Encode writes the gob encoding of e, after warning (once per field) about
// lower-case field names in e's type.
//
// A nil pointer gives an error (encoding/gob panics on one).
func (enc *Encoder) Encode(e interface{}) error {
	if e != nil {
		return enc.EncodeValue(reflect.ValueOf(e))
	}
	return enc.gob.Encode(e)
}

// EncodeValue writes the gob encoding of the value v, after the same check
// as Encode.
func (enc *Encoder) EncodeValue(v reflect.Value) error {
	if v.IsValid() {
		CheckType(v.Type())
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return fmt.Errorf("labgob: cannot encode a nil %s: encode a value or a non-nil pointer", v.Type())
		}
	}
	return enc.gob.EncodeValue(v)
}

// A Decoder reads gob-encoded values from a stream, warning about decoding
// into values that are not at their zero value.
type Decoder struct {
	gob *gob.Decoder
}

// LabDecoder is the classic labs' name of Decoder.
type LabDecoder = Decoder

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{gob: gob.NewDecoder(r)}
}

// Decode reads the next value from the stream into e, which must be a
// non-nil pointer (or nil to discard the value; anything else is an error
// saying so). Before decoding it warns about
// lower-case field names in e's type and about fields of *e that already
// hold a non-zero value.
func (dec *Decoder) Decode(e interface{}) error {
	if e != nil {
		v := reflect.ValueOf(e)
		switch {
		case v.Kind() != reflect.Pointer:
			return fmt.Errorf("labgob: cannot decode into a %T, which is not a pointer: pass &x", e)
		case v.IsNil():
			return fmt.Errorf("labgob: cannot decode into a nil %T: pass a pointer to a variable, e.g. &x", e)
		}
		CheckType(v.Type())
		CheckZero(v)
	}
	return dec.gob.Decode(e)
}

// Register records the concrete type of value, as gob.Register does, so that
// values of that type can be sent inside interface values. It warns about
// lower-case field names in the type.
func Register(value interface{}) {
	CheckType(reflect.TypeOf(value))
	gob.Register(value)
}

// RegisterName is like Register but uses name for the type, as
// gob.RegisterName does.
func RegisterName(name string, value interface{}) {
	CheckType(reflect.TypeOf(value))
	gob.RegisterName(name, value)
}
