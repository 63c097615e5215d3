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
