// Package streamjson writes a value as encoding/json writes it, byte for
// byte, but piece by piece: the fields of a struct and the elements of a
// slice are encoded one at a time and handed to the writer, so a value the
// size of a map (the analysis report of a million-node map is half a
// gigabyte of JSON) is never held encoded in memory, and the part held
// grows only with its largest element.
//
// It walks structs and the slices in them itself, and leaves each element
// of a slice, and everything else (maps, numbers, strings, values with
// their own MarshalJSON), to encoding/json. A struct it cannot walk field by field
// exactly as encoding/json would (embedded fields, the ",string" option, a
// MarshalJSON or MarshalText method) is encoded whole.
package streamjson

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Encode writes v to w as json.Marshal(v) would, then a newline, as
// json.Encoder.Encode does.
func Encode(w io.Writer, v any) error { return encode(w, v, "") }

// EncodeIndent writes v to w as json.MarshalIndent(v, "", indent) would,
// then a newline.
func EncodeIndent(w io.Writer, v any, indent string) error { return encode(w, v, indent) }

func encode(w io.Writer, v any, indent string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &encoder{w: bw, indent: indent}
	e.enc = json.NewEncoder(&e.buf)
	e.value(reflect.ValueOf(v), 0)
	if e.err == nil {
		_, e.err = bw.WriteString("\n")
	}
	if e.err == nil {
		e.err = bw.Flush()
	}
	return e.err
}

type encoder struct {
	w      *bufio.Writer
	indent string
	err    error
	// enc encodes a piece into buf, which is reused from piece to piece.
	enc *json.Encoder
	buf bytes.Buffer
}

func (e *encoder) write(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// newline starts a line at depth d when indenting.
func (e *encoder) newline(d int) {
	if e.indent != "" {
		e.write("\n" + strings.Repeat(e.indent, d))
	}
}

// whole encodes v at depth d with encoding/json.
func (e *encoder) whole(v reflect.Value, d int) {
	if e.err != nil {
		return
	}
	if !v.IsValid() {
		e.write("null")
		return
	}
	x := v.Interface()
	if v.CanAddr() {
		// encoding/json calls the pointer methods of an addressable value
		// and of its fields.
		x = v.Addr().Interface()
	}
	if e.indent != "" {
		e.enc.SetIndent(strings.Repeat(e.indent, d), e.indent)
	}
	e.buf.Reset()
	if e.err = e.enc.Encode(x); e.err != nil {
		return
	}
	b := e.buf.Bytes()
	_, e.err = e.w.Write(b[:len(b)-1]) // without Encode's newline
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// ownEncoding reports whether values of t choose their own encoding.
func ownEncoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(marshalerType) || t.Implements(textMarshalerType) ||
		pt.Implements(marshalerType) || pt.Implements(textMarshalerType)
}

// value writes v at depth d, walking it when it is a struct or a slice;
// the elements of a slice are written whole.
func (e *encoder) value(v reflect.Value, d int) {
	if e.err != nil {
		return
	}
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && !v.IsNil() && !ownEncoding(v.Type()) {
		v = v.Elem()
	}
	switch {
	case !v.IsValid() || ownEncoding(v.Type()):
		e.whole(v, d)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8:
		e.slice(v, d)
	case v.Kind() == reflect.Struct:
		if fields, ok := fieldsOf(v.Type()); ok {
			e.object(v, fields, d)
			return
		}
		e.whole(v, d)
	default:
		e.whole(v, d)
	}
}

func (e *encoder) slice(v reflect.Value, d int) {
	if v.IsNil() {
		e.write("null")
		return
	}
	if v.Len() == 0 {
		e.write("[]")
		return
	}
	e.write("[")
	for i := range v.Len() {
		if i > 0 {
			e.write(",")
		}
		e.newline(d + 1)
		e.whole(v.Index(i), d+1)
	}
	e.newline(d)
	e.write("]")
}

func (e *encoder) object(v reflect.Value, fields []field, d int) {
	e.write("{")
	n := 0
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		if n > 0 {
			e.write(",")
		}
		n++
		e.newline(d + 1)
		e.write(f.key)
		if e.indent != "" {
			e.write(" ")
		}
		e.value(fv, d+1)
	}
	if n > 0 {
		e.newline(d)
	}
	e.write("}")
}

// field is an exported struct field as encoding/json names it.
type field struct {
	index     int
	key       string // the quoted name and the colon
	omitEmpty bool
}

// fieldsOf lists t's fields in encoding/json's order, or false when t has
// a field only encoding/json can place (embedded, or with ",string").
func fieldsOf(t reflect.Type) ([]field, bool) {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f := field{index: i}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				f.omitEmpty = true
			default: // ",string", ",omitzero": left to encoding/json
				return nil, false
			}
		}
		if name == "" {
			name = sf.Name
		}
		key, err := json.Marshal(name)
		if err != nil {
			return nil, false
		}
		f.key = fmt.Sprintf("%s:", key)
		out = append(out, f)
	}
	return out, true
}

// isEmpty is encoding/json's test for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
