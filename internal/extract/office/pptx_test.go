package office

import (
	"strings"
	"testing"
)

const nsP = `http://schemas.openxmlformats.org/presentationml/2006/main`
const nsA = `http://schemas.openxmlformats.org/drawingml/2006/main`

// pptxPackage builds a presentation whose sldIdLst lists the slides in the
// reverse order of their part names, to check presentation order is used.
func pptxPackage(t testing.TB, slides ...string) []byte {
	t.Helper()
	m := map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relDoc + `" Target="ppt/presentation.xml"/></Relationships>`,
	}
	var ids, rels strings.Builder
	for i := range slides {
		n := itoa(len(slides) - i)
		ids.WriteString(`<p:sldId id="` + itoa(256+i) + `" r:id="rId` + n + `"/>`)
	}
	for i, s := range slides {
		n := itoa(len(slides) - i)
		rels.WriteString(`<Relationship Id="rId` + n + `" Type="` + nsR + `/slide" Target="slides/slide` + n + `.xml"/>`)
		m["ppt/slides/_rels/slide"+n+".xml.rels"] = `<Relationships><Relationship Id="rId7" Type="` + nsR + `/hyperlink" Target="https://example.com/docs" TargetMode="External"/></Relationships>`
		m["ppt/slides/slide"+n+".xml"] = `<p:sld xmlns:p="` + nsP + `" xmlns:a="` + nsA + `" xmlns:r="` + nsR + `"><p:cSld><p:spTree>` + s + `</p:spTree></p:cSld></p:sld>`
	}
	m["ppt/presentation.xml"] = `<p:presentation xmlns:p="` + nsP + `" xmlns:r="` + nsR + `"><p:sldIdLst>` + ids.String() + `</p:sldIdLst></p:presentation>`
	m["ppt/_rels/presentation.xml.rels"] = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`
	return buildZip(t, m)
}

// shape is a p:sp with a placeholder type ("" for none), a y offset and paragraphs.
func shape(ph string, y int, paras ...string) string {
	var b strings.Builder
	b.WriteString(`<p:sp><p:nvSpPr><p:nvPr>`)
	if ph != "" {
		b.WriteString(`<p:ph type="` + ph + `"/>`)
	}
	b.WriteString(`</p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="` + itoa(y) + `"/></a:xfrm></p:spPr><p:txBody>`)
	for _, p := range paras {
		b.WriteString(p)
	}
	b.WriteString(`</p:txBody></p:sp>`)
	return b.String()
}

func TestPPTXSynthetic(t *testing.T) {
	bulletPara := func(lvl, text string) string {
		return `<a:p><a:pPr lvl="` + lvl + `"/><a:r><a:t>` + text + `</a:t></a:r></a:p>`
	}
	plain := func(text string) string { return `<a:p><a:r><a:t>` + text + `</a:t></a:r></a:p>` }
	slide1 := shape("body", 2000000, bulletPara("0", "one"), bulletPara("1", "one.a"), bulletPara("0", "two")) +
		shape("title", 100, plain("First"))
	table := `<p:graphicFrame><p:xfrm><a:off x="0" y="500"/></p:xfrm><a:graphic><a:graphicData><a:tbl>` +
		`<a:tr><a:tc gridSpan="2"><a:txBody>` + plain("H") + `</a:txBody></a:tc><a:tc hMerge="1"/></a:tr>` +
		`<a:tr><a:tc><a:txBody>` + plain("1") + `</a:txBody></a:tc><a:tc><a:txBody>` + plain("2") + `</a:txBody></a:tc></a:tr>` +
		`</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`
	group := `<p:grpSp><p:grpSpPr><a:xfrm><a:off x="0" y="9000"/></a:xfrm></p:grpSpPr>` + shape("", 1, plain("in group")) + `</p:grpSp>`
	linked := `<a:p><a:r><a:rPr><a:hlinkClick r:id="rId7"/></a:rPr><a:t>docs </a:t></a:r><a:r><a:t>here</a:t></a:r></a:p>`
	slide2 := shape("ctrTitle", 0, plain("Second")) + table + group + shape("", 20000, linked)
	data := pptxPackage(t, slide1, slide2)
	md := convertOK(t, data, ".pptx").Markdown
	mustContain(t, md, "# First\n\n- one\n    - one.a\n- two", "# Second", "| H | H |\n|---|---|\n| 1 | 2 |", "in group",
		"[docs](https://example.com/docs) here")
	if strings.Index(md, "# First") > strings.Index(md, "# Second") {
		t.Errorf("slides out of presentation order:\n%s", md)
	}
}

// TestPPTXLayoutInheritance: a placeholder without its own position or
// bullets takes both from its layout.
func TestPPTXLayoutInheritance(t *testing.T) {
	ph := func(attrs, inner string) string {
		return `<p:sp><p:nvSpPr><p:nvPr><p:ph ` + attrs + `/></p:nvPr></p:nvSpPr><p:spPr/>` + inner + `</p:sp>`
	}
	body := `<p:txBody><a:p><a:r><a:t>not a bullet</a:t></a:r></a:p></p:txBody>`
	layout := `<p:sldLayout xmlns:p="` + nsP + `" xmlns:a="` + nsA + `"><p:cSld><p:spTree>` +
		`<p:sp><p:nvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="100"/></a:xfrm></p:spPr>` +
		`<p:txBody><a:lstStyle><a:lvl1pPr><a:buNone/></a:lvl1pPr></a:lstStyle></p:txBody></p:sp>` +
		`</p:spTree></p:cSld></p:sldLayout>`
	data := buildZip(t, map[string]string{
		"ppt/presentation.xml":            `<p:presentation xmlns:p="` + nsP + `" xmlns:r="` + nsR + `"><p:sldIdLst><p:sldId r:id="rId1"/></p:sldIdLst></p:presentation>`,
		"ppt/_rels/presentation.xml.rels": `<Relationships><Relationship Id="rId1" Type="` + nsR + `/slide" Target="slides/slide1.xml"/></Relationships>`,
		"ppt/slides/slide1.xml": `<p:sld xmlns:p="` + nsP + `" xmlns:a="` + nsA + `"><p:cSld><p:spTree>` +
			ph(`type="body" idx="1"`, body) + `</p:spTree></p:cSld></p:sld>`,
		"ppt/slides/_rels/slide1.xml.rels":  `<Relationships><Relationship Id="rId1" Type="` + nsR + `/slideLayout" Target="../slideLayouts/slideLayout1.xml"/></Relationships>`,
		"ppt/slideLayouts/slideLayout1.xml": layout,
	})
	md := convertOK(t, data, ".pptx").Markdown
	if strings.Contains(md, "- not a bullet") || !strings.Contains(md, "not a bullet") {
		t.Fatalf("layout list style not applied:\n%s", md)
	}
}

// TestPPTXDiagram reads SmartArt text from the diagram data part.
func TestPPTXDiagram(t *testing.T) {
	frame := `<p:graphicFrame><p:xfrm><a:off x="0" y="0"/></p:xfrm><a:graphic><a:graphicData>` +
		`<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" r:dm="rId9"/></a:graphicData></a:graphic></p:graphicFrame>`
	data := buildZip(t, map[string]string{
		"ppt/presentation.xml":             `<p:presentation xmlns:p="` + nsP + `" xmlns:r="` + nsR + `"><p:sldIdLst><p:sldId r:id="rId1"/></p:sldIdLst></p:presentation>`,
		"ppt/_rels/presentation.xml.rels":  `<Relationships><Relationship Id="rId1" Type="` + nsR + `/slide" Target="slides/slide1.xml"/></Relationships>`,
		"ppt/slides/slide1.xml":            `<p:sld xmlns:p="` + nsP + `" xmlns:a="` + nsA + `" xmlns:r="` + nsR + `"><p:cSld><p:spTree>` + frame + `</p:spTree></p:cSld></p:sld>`,
		"ppt/slides/_rels/slide1.xml.rels": `<Relationships><Relationship Id="rId9" Type="` + nsR + `/diagramData" Target="../diagrams/data1.xml"/></Relationships>`,
		"ppt/diagrams/data1.xml": `<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="` + nsA + `"><dgm:ptLst>` +
			`<dgm:pt><dgm:t><a:p><a:r><a:t>Plan</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt/><dgm:pt><dgm:t><a:p><a:r><a:t>Build</a:t></a:r></a:p></dgm:t></dgm:pt>` +
			`</dgm:ptLst></dgm:dataModel>`,
	})
	mustContain(t, convertOK(t, data, ".pptx").Markdown, "- Plan\n- Build")
}
