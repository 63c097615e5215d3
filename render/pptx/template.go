package pptx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Limits on a template, so a hostile file cannot take the memory.
const (
	MaxTemplateBytes = 64 << 20 // uncompressed, all parts
	MaxTemplateParts = 4000
)

// template is what a company template gives the presentation: its slide
// size, its masters with their layouts, themes and pictures, its notes
// master, and the layout the slides use (one with a title placeholder).
type template struct {
	cx, cy      int64
	masters     []masterRef // in the template's order
	notesMaster string      // part name, or "" when the template has none
	layout      string      // part name of the slides' layout
	parts       map[string][]byte
	copied      []string          // part names to copy, sorted
	types       map[string]string // part name -> content type
	defaults    map[string]string // extension -> content type, for copied parts
}

type masterRef struct {
	id   string
	part string
}

type relsDoc struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

type typesDoc struct {
	Defaults []struct {
		Ext  string `xml:"Extension,attr"`
		Type string `xml:"ContentType,attr"`
	} `xml:"Default"`
	Overrides []struct {
		Part string `xml:"PartName,attr"`
		Type string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

type presDoc struct {
	Masters []struct {
		ID  string `xml:"id,attr"`
		RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sldMasterIdLst>sldMasterId"`
	Notes []struct {
		RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"notesMasterIdLst>notesMasterId"`
	Size struct {
		CX int64 `xml:"cx,attr"`
		CY int64 `xml:"cy,attr"`
	} `xml:"sldSz"`
}

// TemplateSize returns the slide size of a template in points, so pages can
// be laid out at it.
func TemplateSize(tpl []byte) (width, height float64, err error) {
	t, err := readTemplate(tpl)
	if err != nil {
		return 0, 0, err
	}
	return float64(t.cx) / 12700, float64(t.cy) / 12700, nil
}

func readTemplate(tpl []byte) (*template, error) {
	fail := func(format string, a ...any) error { return fmt.Errorf("template: "+format, a...) }
	z, err := zip.NewReader(bytes.NewReader(tpl), int64(len(tpl)))
	if err != nil {
		return nil, fail("not a PowerPoint file (zip): %v", err)
	}
	if len(z.File) > MaxTemplateParts {
		return nil, fail("%d parts, more than the %d allowed", len(z.File), MaxTemplateParts)
	}
	t := &template{parts: map[string][]byte{}, types: map[string]string{}, defaults: map[string]string{}}
	total := int64(0)
	for _, f := range z.File {
		if f.FileInfo().IsDir() {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return nil, fail("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(r, MaxTemplateBytes-total+1))
		r.Close()
		if err != nil {
			return nil, fail("%s: %v", f.Name, err)
		}
		total += int64(len(b))
		if total > MaxTemplateBytes {
			return nil, fail("more than %d MiB uncompressed", MaxTemplateBytes>>20)
		}
		t.parts[strings.TrimPrefix(f.Name, "/")] = b
	}
	var types typesDoc
	if err := xml.Unmarshal(t.parts["[Content_Types].xml"], &types); err != nil {
		return nil, fail("[Content_Types].xml: %v", err)
	}
	extTypes := map[string]string{}
	for _, d := range types.Defaults {
		extTypes[strings.ToLower(d.Ext)] = d.Type
	}
	for _, o := range types.Overrides {
		t.types[strings.TrimPrefix(o.Part, "/")] = o.Type
	}
	main, err := mainPart(t.parts)
	if err != nil {
		return nil, fail("%v", err)
	}
	var pres presDoc
	if err := xml.Unmarshal(t.parts[main], &pres); err != nil {
		return nil, fail("%s: %v", main, err)
	}
	t.cx, t.cy = pres.Size.CX, pres.Size.CY
	if t.cx < emu(minSide) || t.cy < emu(minSide) || t.cx > emu(maxSide) || t.cy > emu(maxSide) {
		return nil, fail("slide size %d × %d EMU is outside the format's range", t.cx, t.cy)
	}
	presRels, err := t.rels(main)
	if err != nil {
		return nil, fail("%v", err)
	}
	for _, m := range pres.Masters {
		target, ok := presRels[m.RID]
		if !ok {
			return nil, fail("master %s names relationship %s, which %s lacks", m.ID, m.RID, relsName(main))
		}
		t.masters = append(t.masters, masterRef{id: m.ID, part: target})
	}
	if len(t.masters) == 0 {
		return nil, fail("no slide master")
	}
	for _, n := range pres.Notes {
		if target, ok := presRels[n.RID]; ok {
			t.notesMaster = target
		}
	}
	// Copy what the masters and the notes master reach.
	seen := map[string]bool{}
	var walk func(part string) error
	walk = func(part string) error {
		if seen[part] {
			return nil
		}
		if _, ok := t.parts[part]; !ok {
			return fmt.Errorf("part %s is named but missing", part)
		}
		seen[part] = true
		rels, err := t.rels(part)
		if err != nil {
			return err
		}
		if _, ok := t.parts[relsName(part)]; ok {
			seen[relsName(part)] = true
		}
		for _, target := range sortedValues(rels) {
			if err := walk(target); err != nil {
				return err
			}
		}
		return nil
	}
	starts := []string{}
	for _, m := range t.masters {
		starts = append(starts, m.part)
	}
	if t.notesMaster != "" {
		starts = append(starts, t.notesMaster)
	}
	for _, s := range starts {
		if err := walk(s); err != nil {
			return nil, fail("%v", err)
		}
	}
	for p := range seen {
		t.copied = append(t.copied, p)
		if _, ok := t.types[p]; !ok {
			ext := strings.ToLower(strings.TrimPrefix(path.Ext(p), "."))
			ct, ok := extTypes[ext]
			if !ok {
				return nil, fail("part %s has no content type", p)
			}
			t.defaults[ext] = ct
		}
	}
	sort.Strings(t.copied)
	layout, err := t.pickLayout(t.masters[0].part)
	if err != nil {
		return nil, fail("%v", err)
	}
	t.layout = layout
	return t, nil
}

// mainPart finds the presentation part from the package relationships.
func mainPart(parts map[string][]byte) (string, error) {
	var rels relsDoc
	if err := xml.Unmarshal(parts["_rels/.rels"], &rels); err != nil {
		return "", fmt.Errorf("_rels/.rels: %v", err)
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			return strings.TrimPrefix(r.Target, "/"), nil
		}
	}
	return "", errors.New("no presentation part")
}

func relsName(part string) string { return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels") }

// rels maps a part's internal relationship ids to the part names they
// target.
func (t *template) rels(part string) (map[string]string, error) {
	b, ok := t.parts[relsName(part)]
	if !ok {
		return map[string]string{}, nil
	}
	var doc relsDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", relsName(part), err)
	}
	out := map[string]string{}
	for _, r := range doc.Rels {
		if r.TargetMode == "External" {
			continue
		}
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(path.Dir(part), target)
		}
		out[r.ID] = target
	}
	return out, nil
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// pickLayout chooses the master's "Title Only" layout, else its first
// layout with a title placeholder, else its first layout.
func (t *template) pickLayout(master string) (string, error) {
	b, err := t.rels(master)
	if err != nil {
		return "", err
	}
	// Layouts in the master's own order (sldLayoutIdLst), by relationship id.
	var doc struct {
		Layouts []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sldLayoutIdLst>sldLayoutId"`
	}
	if err := xml.Unmarshal(t.parts[master], &doc); err != nil {
		return "", fmt.Errorf("%s: %v", master, err)
	}
	var layouts []string
	for _, l := range doc.Layouts {
		if p, ok := b[l.RID]; ok {
			layouts = append(layouts, p)
		}
	}
	if len(layouts) == 0 {
		return "", fmt.Errorf("master %s has no layouts", master)
	}
	for _, l := range layouts {
		if bytes.Contains(t.parts[l], []byte(`type="titleOnly"`)) {
			return l, nil
		}
	}
	for _, l := range layouts {
		if bytes.Contains(t.parts[l], []byte(`type="title"`)) || bytes.Contains(t.parts[l], []byte(`type="ctrTitle"`)) {
			return l, nil
		}
	}
	return layouts[0], nil
}

// relTarget is the target of a relationship from a part in dir to part.
func relTarget(dir, part string) string {
	up := strings.Repeat("../", strings.Count(dir, "/")+1)
	return up + part
}

// masterTheme is the theme part a master uses, or "".
func (t *template) masterTheme(master string) string {
	b, ok := t.parts[relsName(master)]
	if !ok {
		return ""
	}
	var doc relsDoc
	if xml.Unmarshal(b, &doc) != nil {
		return ""
	}
	for _, r := range doc.Rels {
		if strings.HasSuffix(r.Type, "/theme") && r.TargetMode != "External" {
			if strings.HasPrefix(r.Target, "/") {
				return strings.TrimPrefix(r.Target, "/")
			}
			return path.Join(path.Dir(master), r.Target)
		}
	}
	return ""
}
