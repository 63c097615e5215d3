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

// The PDF library's font subsetter writes the time of writing into each
// embedded font (the 'head' table's modified date), so the same page gave
// different bytes in another second. fixFontDates sets that date to the
// font's own creation date, inside the compressed font streams, and moves
// the cross-reference offsets by what the streams grew or shrank.

var (
	pdfStream = regexp.MustCompile(`(?s)(\d+) 0 obj\s*<</Filter/FlateDecode/Length (\d+)>>\s*stream\n`)
	pdfXref   = regexp.MustCompile(`(?s)\nxref\n0 (\d+)\n`)
	pdfStart  = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)
)

func fixFontDates(doc []byte) ([]byte, error) {
	var out bytes.Buffer
	type shift struct{ at, by int }
	var shifts []shift
	last := 0
	for _, m := range pdfStream.FindAllSubmatchIndex(doc, -1) {
		n, _ := strconv.Atoi(string(doc[m[4]:m[5]]))
		start := m[1]
		if start+n > len(doc) {
			return nil, fmt.Errorf("a PDF stream runs past the end of the document")
		}
		font, ok := fixedFont(doc[start : start+n])
		if !ok {
			continue
		}
		out.Write(doc[last:m[4]])
		out.WriteString(strconv.Itoa(len(font)))
		out.Write(doc[m[5]:m[1]])
		out.Write(font)
		shifts = append(shifts, shift{start, len(strconv.Itoa(len(font))) - (m[5] - m[4]) + len(font) - n})
		last = start + n
	}
	if len(shifts) == 0 {
		return doc, nil
	}
	out.Write(doc[last:])
	b := out.Bytes()
	moved := func(off int) int {
		for _, s := range shifts {
			if off > s.at {
				off += s.by
			}
		}
		return off
	}
	x := pdfXref.FindSubmatchIndex(b)
	st := pdfStart.FindSubmatchIndex(b)
	if x == nil || st == nil {
		return nil, fmt.Errorf("no cross-reference table in the PDF")
	}
	count, _ := strconv.Atoi(string(b[x[2]:x[3]]))
	for i, p := 0, x[1]; i < count; i, p = i+1, p+20 {
		if p+20 > len(b) {
			return nil, fmt.Errorf("a short cross-reference table in the PDF")
		}
		if b[p+17] != 'n' {
			continue
		}
		off, err := strconv.Atoi(string(b[p : p+10]))
		if err != nil {
			return nil, fmt.Errorf("a bad cross-reference entry in the PDF")
		}
		copy(b[p:p+10], fmt.Sprintf("%010d", moved(off)))
	}
	xrefAt, _ := strconv.Atoi(string(b[st[2]:st[3]]))
	return append(b[:st[2]:st[2]], []byte(strconv.Itoa(moved(xrefAt))+"\n%%EOF\n")...), nil
}

// fixedFont returns the compressed stream again with its TrueType font's
// modified date set to its created date, or false when the stream is no
// TrueType font.
func fixedFont(stream []byte) ([]byte, bool) {
	zr, err := zlib.NewReader(bytes.NewReader(stream))
	if err != nil {
		return nil, false
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil || len(raw) < 12 || binary.BigEndian.Uint32(raw) != 0x00010000 {
		return nil, false
	}
	tables := int(binary.BigEndian.Uint16(raw[4:]))
	for i := 0; i < tables; i++ {
		e := 12 + 16*i
		if e+16 > len(raw) {
			return nil, false
		}
		if string(raw[e:e+4]) != "head" {
			continue
		}
		off := int(binary.BigEndian.Uint32(raw[e+8:]))
		length := int(binary.BigEndian.Uint32(raw[e+12:]))
		if off+36 > len(raw) || length < 36 || off+length > len(raw) {
			return nil, false
		}
		copy(raw[off+28:off+36], raw[off+20:off+28]) // modified := created
		// The table's checksum (its adjustment counted as 0) and the
		// font's adjustment follow the date.
		binary.BigEndian.PutUint32(raw[off+8:], 0)
		binary.BigEndian.PutUint32(raw[e+4:], sfntSum(raw[off:off+length]))
		binary.BigEndian.PutUint32(raw[off+8:], 0xB1B0AFBA-sfntSum(raw))
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		if _, err := zw.Write(raw); err != nil || zw.Close() != nil {
			return nil, false
		}
		return buf.Bytes(), true
	}
	return nil, false
}

// sfntSum is the TrueType checksum: the sum of big-endian 32-bit words,
// the last one padded with zeros.
func sfntSum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:min(i+4, len(b))])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
