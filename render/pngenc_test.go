package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// The PNG of a slide decodes to exactly the pixels that were drawn, and is
// no bigger than image/png's own encoding of them by more than a fifth.
func TestPNGHoldsThePixelsDrawn(t *testing.T) {
	dr := draw(t, readMap(t, "hybrid"), Options{})
	var buf bytes.Buffer
	if err := WritePNG(&buf, dr.Page); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	// The same page through image/png, from the same rasterised pixels.
	want := rasterise(t, dr)
	if got.Bounds() != want.Bounds() {
		t.Fatalf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := want.Rect.Min.Y; y < want.Rect.Max.Y; y++ {
		for x := want.Rect.Min.X; x < want.Rect.Max.X; x++ {
			r, g, b, a := got.At(x, y).RGBA()
			w := want.RGBAAt(x, y)
			if c := (color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}); c != w {
				t.Fatalf("pixel (%d, %d) is %v, drawn %v", x, y, c, w)
			}
		}
	}
	var std bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&std, want); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > std.Len()*6/5 {
		t.Errorf("PNG of %d bytes, image/png makes %d", buf.Len(), std.Len())
	}
	t.Logf("PNG %d bytes, image/png %d", buf.Len(), std.Len())

	// A translucent image goes through image/png and keeps its alpha.
	tr := image.NewRGBA(image.Rect(0, 0, 4, 3))
	tr.SetRGBA(1, 1, color.RGBA{0, 0, 0x80, 0x80})
	buf.Reset()
	if err := encodePNG(&buf, tr); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, a := back.At(1, 1).RGBA(); a>>8 != 0x80 {
		t.Errorf("translucent pixel's alpha %d, want 128", a>>8)
	}
}

func rasterise(t *testing.T, dr *Drawing) *image.RGBA {
	t.Helper()
	img, err := rasterisePage(dr.Page)
	if err != nil {
		t.Fatal(err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		t.Fatalf("the rasteriser gave a %T, want *image.RGBA", img)
	}
	return rgba
}
