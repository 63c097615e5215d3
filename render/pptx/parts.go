package pptx

import (
	"fmt"
	"sort"
	"strings"
)

// The fixed parts of the package: content types, relationships, the slide
// master with its one "Title Only" layout, the notes master, the theme and
// the presentation properties. Only sizes and counts vary.

const (
	nsA   = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"`
	nsR   = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	nsP   = `xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	nsAll = nsA + " " + nsR + " " + nsP

	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

	relBase = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	ctBase  = "application/vnd.openxmlformats-officedocument.presentationml."

	// The notes page is portrait letter-ish, 7.5 × 10 in, as PowerPoint writes it.
	notesW, notesH = 6858000, 9144000

	// Master and layout ids live above 2^31 and must differ.
	masterID = 2147483648
	layoutID = 2147483649

	// The font named in every run: PowerPoint has Arial everywhere, and
	// LibreOffice maps it to Liberation Sans, whose metrics the scene
	// measured with (the two are metric-compatible).
	typeface = "Arial"
)

type rel struct{ id, typ, target string }

func relsXML(rels []rel) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for _, r := range rels {
		typ := r.typ
		if !strings.HasPrefix(typ, "http") {
			typ = relBase + typ
		}
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s" Target="%s"/>`, esc(r.id), esc(typ), esc(r.target))
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func (pl *plan) contentTypesXML(slides int, notes []bool) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
	defaults := map[string]string{
		"rels": "application/vnd.openxmlformats-package.relationships+xml",
		"xml":  "application/xml",
	}
	if pl.tpl != nil {
		for ext, ct := range pl.tpl.defaults {
			if _, ok := defaults[ext]; !ok {
				defaults[ext] = ct
			}
		}
	}
	for _, ext := range sortedKeys(defaults) {
		fmt.Fprintf(&b, `<Default Extension="%s" ContentType="%s"/>`, esc(ext), esc(defaults[ext]))
	}
	over := func(part, ct string) {
		fmt.Fprintf(&b, `<Override PartName="/%s" ContentType="%s"/>`, esc(part), esc(ct))
	}
	over("ppt/presentation.xml", ctBase+"presentation.main+xml")
	over("ppt/presProps.xml", ctBase+"presProps+xml")
	over("ppt/viewProps.xml", ctBase+"viewProps+xml")
	over("ppt/tableStyles.xml", ctBase+"tableStyles+xml")
	for _, p := range pl.own {
		if p.ct != "" {
			over(p.name, p.ct)
		}
	}
	if pl.tpl != nil {
		for _, name := range pl.tpl.copied {
			if ct, ok := pl.tpl.types[name]; ok {
				over(name, ct)
			}
		}
	}
	for i := 1; i <= slides; i++ {
		over(fmt.Sprintf("ppt/slides/slide%d.xml", i), ctBase+"slide+xml")
		if notes[i-1] {
			over(fmt.Sprintf("ppt/notesSlides/notesSlide%d.xml", i), ctBase+"notesSlide+xml")
		}
	}
	over("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
	over("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")
	b.WriteString(`</Types>`)
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// fromPpt is the target of a relationship from ppt/presentation.xml.
func fromPpt(part string) string {
	if strings.HasPrefix(part, "ppt/") {
		return strings.TrimPrefix(part, "ppt/")
	}
	return "/" + part
}

func rootRelsXML() string {
	return relsXML([]rel{
		{"rId1", "officeDocument", "ppt/presentation.xml"},
		{"rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"},
		{"rId3", "extended-properties", "docProps/app.xml"},
	})
}

func coreXML(title string) string {
	return xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(title) + `</dc:title><dc:creator>chanmap</dc:creator></cp:coreProperties>`
}

func appXML(slides, notes int) string {
	return xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
		fmt.Sprintf(`<Application>chanmap</Application><PresentationFormat>Custom</PresentationFormat><Slides>%d</Slides><Notes>%d</Notes>`, slides, notes) +
		`</Properties>`
}

// presentationXML lists the masters (relationships rIdM1...), the notes
// master (rIdN) and the slides (rIdS1...) at one slide size.
func (pl *plan) presentationXML(slides int) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<p:presentation ` + nsAll + ` saveSubsetFonts="1">`)
	b.WriteString(`<p:sldMasterIdLst>`)
	for i, m := range pl.masters {
		fmt.Fprintf(&b, `<p:sldMasterId id="%s" r:id="rIdM%d"/>`, esc(m.id), i+1)
	}
	b.WriteString(`</p:sldMasterIdLst>`)
	b.WriteString(`<p:notesMasterIdLst><p:notesMasterId r:id="rIdN"/></p:notesMasterIdLst>`)
	if slides > 0 {
		b.WriteString(`<p:sldIdLst>`)
		for i := 0; i < slides; i++ {
			fmt.Fprintf(&b, `<p:sldId id="%d" r:id="rIdS%d"/>`, 256+i, i+1)
		}
		b.WriteString(`</p:sldIdLst>`)
	}
	fmt.Fprintf(&b, `<p:sldSz cx="%d" cy="%d"/><p:notesSz cx="%d" cy="%d"/>`, pl.cx, pl.cy, notesW, notesH)
	b.WriteString(`<p:defaultTextStyle><a:lvl1pPr><a:defRPr sz="1800"><a:latin typeface="` + pl.font + `"/></a:defRPr></a:lvl1pPr></p:defaultTextStyle>`)
	b.WriteString(`</p:presentation>`)
	return b.String()
}

func (pl *plan) presentationRelsXML(slides int) string {
	var rels []rel
	for i, m := range pl.masters {
		rels = append(rels, rel{fmt.Sprintf("rIdM%d", i+1), "slideMaster", fromPpt(m.part)})
	}
	rels = append(rels,
		rel{"rIdN", "notesMaster", fromPpt(pl.notesMaster)},
		rel{"rIdP", "presProps", "presProps.xml"},
		rel{"rIdV", "viewProps", "viewProps.xml"},
		rel{"rIdT", "tableStyles", "tableStyles.xml"},
	)
	if pl.tpl == nil {
		rels = append(rels, rel{"rIdH", "theme", "theme/theme1.xml"})
	} else if theme := pl.tpl.masterTheme(pl.masters[0].part); theme != "" {
		rels = append(rels, rel{"rIdH", "theme", fromPpt(theme)})
	}
	for i := 0; i < slides; i++ {
		rels = append(rels, rel{fmt.Sprintf("rIdS%d", i+1), "slide", fmt.Sprintf("slides/slide%d.xml", i+1)})
	}
	return relsXML(rels)
}

const spTreeHead = `<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>` +
	`<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>`

const clrMap = `bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" ` +
	`accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"`

// titleFrame is where the master puts a title: a band across the top.
func titleFrame(cx, cy int64) string {
	return xfrm(cx*4/100, cy*2/100, cx*92/100, cy*12/100)
}

func slideMasterXML(cx, cy int64) string {
	return xmlHeader + `<p:sldMaster ` + nsAll + `><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>` + spTreeHead +
		`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title Placeholder 1"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr>` +
		`<p:spPr>` + titleFrame(cx, cy) + `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>` +
		`<p:txBody><a:bodyPr vert="horz" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t"><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>` +
		`</p:spTree></p:cSld><p:clrMap ` + clrMap + `/>` +
		fmt.Sprintf(`<p:sldLayoutIdLst><p:sldLayoutId id="%d" r:id="rId1"/></p:sldLayoutIdLst>`, layoutID) +
		`<p:txStyles>` +
		`<p:titleStyle><a:lvl1pPr algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1"><a:lnSpc><a:spcPct val="100000"/></a:lnSpc><a:spcBef><a:spcPct val="0"/></a:spcBef><a:buNone/>` +
		`<a:defRPr sz="2800" b="1" kern="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill><a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/></a:defRPr></a:lvl1pPr></p:titleStyle>` +
		`<p:bodyStyle><a:lvl1pPr marL="0" indent="0" algn="l"><a:buNone/><a:defRPr sz="1800" kern="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:bodyStyle>` +
		`<p:otherStyle><a:lvl1pPr marL="0" algn="l"><a:defRPr sz="1800" kern="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:otherStyle>` +
		`</p:txStyles></p:sldMaster>`
}

func slideMasterRelsXML() string {
	return relsXML([]rel{
		{"rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"},
		{"rId2", "theme", "../theme/theme1.xml"},
	})
}

func slideLayoutXML() string {
	return xmlHeader + `<p:sldLayout ` + nsAll + ` type="titleOnly" preserve="1"><p:cSld name="Title Only"><p:spTree>` + spTreeHead +
		`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr>` +
		`<p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>` +
		`</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`
}

func slideLayoutRelsXML() string {
	return relsXML([]rel{{"rId1", "slideMaster", "../slideMasters/slideMaster1.xml"}})
}

// Where the notes page puts the slide picture and the notes text.
func notesImageFrame() string { return xfrm(685800, 1143000, 5486400, 3086100) }
func notesBodyFrame() string  { return xfrm(685800, 4400550, 5486400, 3600450) }

func notesMasterXML() string {
	return xmlHeader + `<p:notesMaster ` + nsAll + `><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>` + spTreeHead +
		`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image Placeholder 1"/><p:cNvSpPr><a:spLocks noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg" idx="2"/></p:nvPr></p:nvSpPr>` +
		`<p:spPr>` + notesImageFrame() + `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln w="12700"><a:solidFill><a:prstClr val="black"/></a:solidFill></a:ln></p:spPr></p:sp>` +
		`<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes Placeholder 2"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" sz="quarter" idx="3"/></p:nvPr></p:nvSpPr>` +
		`<p:spPr>` + notesBodyFrame() + `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>` +
		`<p:txBody><a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0"/><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>` +
		`</p:spTree></p:cSld><p:clrMap ` + clrMap + `/>` +
		`<p:notesStyle><a:lvl1pPr marL="0" algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1"><a:defRPr sz="1200" kern="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill><a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/></a:defRPr></a:lvl1pPr></p:notesStyle>` +
		`</p:notesMaster>`
}

func notesMasterRelsXML(theme string) string {
	return relsXML([]rel{{"rId1", "theme", theme}})
}

func presPropsXML() string { return xmlHeader + `<p:presentationPr ` + nsAll + `/>` }

func viewPropsXML() string {
	return xmlHeader + `<p:viewPr ` + nsAll + `><p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr>` +
		`<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>`
}

func tableStylesXML() string {
	return xmlHeader + `<a:tblStyleLst ` + nsA + ` def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>`
}

// themeXML is a plain theme: Office-like colours, Arial for headings and
// body, and the three fill, line, effect and background styles the schema
// requires.
func themeXML(name string) string {
	sys := func(n, v string) string { return `<a:` + n + `><a:srgbClr val="` + v + `"/></a:` + n + `>` }
	fill := `<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>`
	line := func(w int) string {
		return fmt.Sprintf(`<a:ln w="%d" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>`, w)
	}
	fonts := func(tag string) string {
		return `<a:` + tag + `><a:latin typeface="` + typeface + `"/><a:ea typeface=""/><a:cs typeface=""/></a:` + tag + `>`
	}
	return xmlHeader + `<a:theme ` + nsA + ` name="` + esc(name) + `"><a:themeElements>` +
		`<a:clrScheme name="chanmap">` +
		`<a:dk1><a:srgbClr val="000000"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1>` +
		sys("dk2", "1F2937") + sys("lt2", "F3F4F6") +
		sys("accent1", "0072B2") + sys("accent2", "E69F00") + sys("accent3", "009E73") +
		sys("accent4", "CC79A7") + sys("accent5", "56B4E9") + sys("accent6", "D55E00") +
		sys("hlink", "0072B2") + sys("folHlink", "6B21A8") +
		`</a:clrScheme>` +
		`<a:fontScheme name="chanmap">` + fonts("majorFont") + fonts("minorFont") + `</a:fontScheme>` +
		`<a:fmtScheme name="chanmap">` +
		`<a:fillStyleLst>` + fill + fill + fill + `</a:fillStyleLst>` +
		`<a:lnStyleLst>` + line(6350) + line(12700) + line(19050) + `</a:lnStyleLst>` +
		`<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>` +
		`<a:bgFillStyleLst>` + fill + fill + fill + `</a:bgFillStyleLst>` +
		`</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>`
}
