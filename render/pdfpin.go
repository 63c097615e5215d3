package render

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// The PDF library writes two clocks into a document: its /CreationDate and,
// inside every embedded font program, the font header's "modified" time
// (the time of writing, in a compressed stream). pinTimes replaces both
// with fixed values so that the same page always gives the same bytes: the
// creation date with 2000-01-01 and a font's modified time with its own
// created time. A font stream is decompressed, patched (with the header's
// checksums made right again) and compressed again, which may change its
// length: the stream's /Length, the cross-reference table and startxref are
// moved to match.

// streamStart finds a compressed stream's dictionary and its start.
var streamStart = regexp.MustCompile(`<</Filter/FlateDecode/Length (\d+)>>stream\n`)

// pinTimes returns pdf with its clocks fixed (see above). A document it does
// not understand is returned as it is, with an error.
func pinTimes(pdf []byte) ([]byte, error) {
	pdf = pinCreationDate(pdf)
	type shift struct{ at, by int } // bytes at or after at move by by
	var shifts []shift
	var out bytes.Buffer
	last := 0
	for _, m := range streamStart.FindAllSubmatchIndex(pdf, -1) {
		n, err := strconv.Atoi(string(pdf[m[2]:m[3]]))
		if err != nil || m[1]+n > len(pdf) || m[0] < last {
			return pdf, fmt.Errorf("pdf: a stream at byte %d has a bad length", m[0])
		}
		body := pdf[m[1] : m[1]+n]
		fixed, ok := pinFontStream(body)
		if !ok {
			continue
		}
		out.Write(pdf[last:m[0]])
		fmt.Fprintf(&out, "<</Filter/FlateDecode/Length %d>>stream\n", len(fixed))
		out.Write(fixed)
		last = m[1] + n
		if d := (out.Len() - last); len(shifts) == 0 || shifts[len(shifts)-1].by != d {
			shifts = append(shifts, shift{at: last, by: d})
		}
	}
	if len(shifts) == 0 {
		return pdf, nil
	}
	out.Write(pdf[last:])
	doc := out.Bytes()
	move := func(off int) int {
		by := 0
		for _, s := range shifts {
			if off >= s.at {
				by = s.by
			}
		}
		return off + by
	}
	// The cross-reference table: "xref\n0 N\n" and N entries of 20 bytes.
	x := bytes.LastIndex(doc, []byte("\nxref\n"))
	if x < 0 {
		return pdf, fmt.Errorf("pdf: no cross-reference table")
	}
	p := x + len("\nxref\n")
	nl := bytes.IndexByte(doc[p:], '\n')
	var first, count int
	if nl < 0 {
		return pdf, fmt.Errorf("pdf: a bad cross-reference table")
	}
	if _, err := fmt.Sscanf(string(doc[p:p+nl]), "%d %d", &first, &count); err != nil {
		return pdf, fmt.Errorf("pdf: a bad cross-reference table: %w", err)
	}
	p += nl + 1
	for i := 0; i < count; i++ {
		e := doc[p+20*i : p+20*i+20]
		if e[17] != 'n' {
			continue
		}
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil {
			return pdf, fmt.Errorf("pdf: a bad cross-reference entry: %w", err)
		}
		copy(e[:10], fmt.Sprintf("%010d", move(off)))
	}
	s := bytes.LastIndex(doc, []byte("startxref\n"))
	if s < 0 {
		return pdf, fmt.Errorf("pdf: no startxref")
	}
	s += len("startxref\n")
	e := s + bytes.IndexByte(doc[s:], '\n')
	old, err := strconv.Atoi(string(doc[s:e]))
	if err != nil {
		return pdf, fmt.Errorf("pdf: a bad startxref: %w", err)
	}
	return append(append(append([]byte(nil), doc[:s]...), strconv.Itoa(move(old))...), doc[e:]...), nil
}

// pinCreationDate overwrites the /CreationDate with 2000-01-01, keeping its
// length (the library writes "/CreationDate(" without a space).
func pinCreationDate(pdf []byte) []byte {
	return creationDate.ReplaceAllFunc(pdf, func(m []byte) []byte {
		zone := creationDate.FindSubmatch(m)[2]
		fixed := append([]byte(nil), m[:bytes.IndexByte(m, '(')]...)
		fixed = append(fixed, "(D:20000101000000"...)
		if len(zone) == 1 {
			fixed = append(fixed, 'Z')
		} else {
			fixed = append(fixed, "+0000"...)
		}
		return append(fixed, ')')
	})
}

var creationDate = regexp.MustCompile(`/CreationDate ?\(D:(\d{14})(Z|[+-]\d{4})\)`)

// pinFontStream returns the compressed stream again with its font header's
// modified time set to its created time, if the stream is a TrueType or
// OpenType font program; ok is false for any other stream.
func pinFontStream(z []byte) (fixed []byte, ok bool) {
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, false
	}
	font, err := io.ReadAll(r)
	if err != nil || len(font) < 12 {
		return nil, false
	}
	switch string(font[:4]) {
	case "\x00\x01\x00\x00", "true", "OTTO":
	default:
		return nil, false
	}
	tables := int(binary.BigEndian.Uint16(font[4:6]))
	if 12+16*tables > len(font) {
		return nil, false
	}
	rec := -1
	for i := 0; i < tables; i++ {
		if string(font[12+16*i:16+16*i]) == "head" {
			rec = 12 + 16*i
		}
	}
	if rec < 0 {
		return nil, false
	}
	off := int(binary.BigEndian.Uint32(font[rec+8:]))
	n := int(binary.BigEndian.Uint32(font[rec+12:]))
	if n < 36 || off+n > len(font) {
		return nil, false
	}
	head := font[off : off+n]
	copy(head[28:36], head[20:28]) // modified = created
	binary.BigEndian.PutUint32(head[8:], 0)
	binary.BigEndian.PutUint32(font[rec+4:], checksum(head))
	binary.BigEndian.PutUint32(head[8:], 0xB1B0AFBA-checksum(font))
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	if _, err := w.Write(font); err != nil {
		return nil, false
	}
	if err := w.Close(); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// checksum is the OpenType table checksum: the sum of big-endian uint32s,
// the last one padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
