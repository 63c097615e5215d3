package render

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"io"
	"testing"
)

// The fonts embedded in a PDF carry no time of writing (the subsetter
// writes 'now' as the font's modified date), so a page gives the same
// bytes in any second; the font's checksums still add up.
func TestPDFFontsCarryNoWritingTime(t *testing.T) {
	doc, err := Render(context.Background(), NewInProcess(), readMap(t, "hybrid"), Options{Focus: "homeowners"}, "pdf")
	if err != nil {
		t.Fatal(err)
	}
	fonts := 0
	for _, m := range pdfStream.FindAllSubmatchIndex(doc, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(doc[m[1]:]))
		if err != nil {
			continue
		}
		raw, _ := io.ReadAll(zr)
		if len(raw) < 12 || binary.BigEndian.Uint32(raw) != 0x00010000 {
			continue
		}
		fonts++
		for i := 0; i < int(binary.BigEndian.Uint16(raw[4:])); i++ {
			e := 12 + 16*i
			if string(raw[e:e+4]) != "head" {
				continue
			}
			off := int(binary.BigEndian.Uint32(raw[e+8:]))
			if !bytes.Equal(raw[off+20:off+28], raw[off+28:off+36]) {
				t.Errorf("font %d: modified date %x is not its created date %x", fonts, raw[off+28:off+36], raw[off+20:off+28])
			}
			if sfntSum(raw) != 0xB1B0AFBA {
				t.Errorf("font %d: the font's checksum adjustment does not add up", fonts)
			}
		}
	}
	if fonts == 0 {
		t.Fatal("no embedded TrueType font found in the PDF")
	}
}
