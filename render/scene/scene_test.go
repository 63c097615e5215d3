package scene

import "testing"

func TestSmallestTextLooksInsideGroups(t *testing.T) {
	p := &Page{Width: 960, Height: 540, Items: []Item{
		&Text{Lines: []Span{{Text: "Title", Size: 24}}},
		&Group{ID: "node:a", Items: []Item{
			&Box{Lines: []Span{{Text: "Name", Size: 12}, {Text: "detail", Size: 10.5}}},
		}},
		&Box{Lines: []Span{{Text: "", Size: 4}}}, // empty text is not text
	}}
	if got := p.SmallestText(); got != 10.5 {
		t.Fatalf("SmallestText = %v, want 10.5 (the detail line inside the group)", got)
	}
	if got := (&Page{}).SmallestText(); got != 0 {
		t.Fatalf("SmallestText of an empty page = %v, want 0", got)
	}
}

func TestColorNone(t *testing.T) {
	if !(Color{}).None() || RGB(0, 0, 0).None() {
		t.Fatal("the zero colour draws nothing and black draws")
	}
}

func TestTextWidthUsesTheFontsMetrics(t *testing.T) {
	// Liberation Sans (like Arial) sets "i" narrow and "W" wide; bold is wider.
	narrow, wide := TextWidth("iiii", 12, false, false), TextWidth("WWWW", 12, false, false)
	if !(narrow > 0 && wide > 3*narrow) {
		t.Fatalf("widths i=%v W=%v: expected W much wider than i", narrow, wide)
	}
	if r, b := TextWidth("Distributor", 12, false, false), TextWidth("Distributor", 12, true, false); !(b > r) {
		t.Fatalf("bold %v not wider than regular %v", b, r)
	}
	// Arial's advances (Liberation Sans shares them): H 0.722, e 0.556,
	// l 0.222, o 0.556 em, so "Hello" is 2.278 em: 22.78 pt at 10 pt.
	if got := TextWidth("Hello", 10, false, false); got < 22.7 || got > 22.9 {
		t.Fatalf("Hello at 10 pt = %v pt, want about 22.78", got)
	}
	if TextWidth("", 12, false, false) != 0 {
		t.Fatal("empty text has width")
	}
	// A rune the font lacks still takes room.
	if TextWidth("\U0001F600", 12, false, false) == 0 {
		t.Fatal("an emoji measured as zero width")
	}
}

func TestContrastIsWCAGs(t *testing.T) {
	// Black on white is the maximum 21:1; a colour on itself is 1:1; WCAG's
	// own example: #777777 on white is about 4.48:1 (just short of AA).
	if c := Contrast(RGB(0, 0, 0), RGB(255, 255, 255)); c < 20.99 || c > 21.01 {
		t.Errorf("black on white %v, want 21", c)
	}
	if c := Contrast(RGB(0x33, 0x66, 0x99), RGB(0x33, 0x66, 0x99)); c != 1 {
		t.Errorf("a colour on itself %v, want 1", c)
	}
	if c := Contrast(RGB(0x77, 0x77, 0x77), RGB(255, 255, 255)); c < 4.47 || c > 4.49 {
		t.Errorf("#777 on white %v, want about 4.48", c)
	}
}
