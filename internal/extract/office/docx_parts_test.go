package office

import (
	"strings"
	"testing"
)

// docxWithParts is docxPackage plus extra members and relationships of
// the main part (id → type/target).
func docxWithParts(t *testing.T, body string, parts map[string]string, rels [][3]string) []byte {
	t.Helper()
	var relXML strings.Builder
	for _, r := range rels {
		relXML.WriteString(`<Relationship Id="` + r[0] + `" Type="` + nsR + `/` + r[1] + `" Target="` + r[2] + `"/>`)
	}
	m := map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relDoc + `" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"` +
			` xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"` +
			` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"` +
			` xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"` +
			` xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram"><w:body>` + body + `</w:body></w:document>`,
		"word/_rels/document.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			relXML.String() + `</Relationships>`,
	}
	for k, v := range parts {
		m[k] = v
	}
	return buildZip(t, m)
}

func TestDOCXCheckboxes(t *testing.T) {
	sdt := func(val string) string {
		return `<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="` + val + `"/></w14:checkbox></w:sdtPr>` +
			`<w:sdtContent><w:r><w:t>X</w:t></w:r></w:sdtContent></w:sdt>`
	}
	form := func(checked string) string {
		return `<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox>` + checked + `</w:checkBox></w:ffData></w:fldChar></w:r>` +
			`<w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
	}
	body := `<w:p>` + sdt("1") + `<w:r><w:t xml:space="preserve"> done </w:t></w:r>` + sdt("0") + `<w:r><w:t xml:space="preserve"> open</w:t></w:r></w:p>` +
		`<w:p>` + form(`<w:default w:val="0"/><w:checked/>`) + `<w:r><w:t xml:space="preserve"> legacy yes </w:t></w:r>` +
		form(`<w:default w:val="0"/>`) + `<w:r><w:t xml:space="preserve"> legacy no</w:t></w:r></w:p>`
	md := convertOK(t, docxWithParts(t, body, nil, nil), ".docx").Markdown
	mustContain(t, md, "☒ done ☐ open", "☒ legacy yes ☐ legacy no")
}

func TestDOCXNotesHeadersFooters(t *testing.T) {
	w := `xmlns:w="` + nsW + `"`
	parts := map[string]string{
		"word/footnotes.xml": `<w:footnotes ` + w + `><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` +
			`<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Second note.</w:t></w:r></w:p></w:footnote>` +
			`<w:footnote w:id="1"><w:p><w:r><w:t>First note.</w:t></w:r></w:p></w:footnote></w:footnotes>`,
		"word/endnotes.xml": `<w:endnotes ` + w + `><w:endnote w:id="1"><w:p><w:r><w:t>An endnote.</w:t></w:r></w:p></w:endnote></w:endnotes>`,
		"word/header1.xml":  `<w:hdr ` + w + `><w:p><w:r><w:t>Running head</w:t></w:r></w:p></w:hdr>`,
		"word/footer1.xml":  `<w:ftr ` + w + `><w:p><w:r><w:t>Page footer text</w:t></w:r></w:p></w:ftr>`,
		"word/footer2.xml":  `<w:ftr ` + w + `><w:p><w:r><w:t>7</w:t></w:r></w:p></w:ftr>`,
	}
	rels := [][3]string{{"rId1", "footnotes", "footnotes.xml"}, {"rId2", "endnotes", "endnotes.xml"},
		{"rId3", "header", "header1.xml"}, {"rId4", "footer", "footer1.xml"}, {"rId5", "footer", "footer2.xml"}}
	body := `<w:p><w:r><w:t>Claim</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t xml:space="preserve"> and more</w:t></w:r>` +
		`<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>`
	md := convertOK(t, docxWithParts(t, body, parts, rels), ".docx").Markdown
	want := "Running head\n\nClaim[^1] and more[^2][^3]\n\nPage footer text\n\n[^1]: Second note.\n\n[^2]: First note.\n\n[^3]: An endnote.\n"
	if md != want {
		t.Errorf("got\n%s\nwant\n%s", md, want)
	}
}

func TestDOCXChartAndSmartArt(t *testing.T) {
	parts := map[string]string{
		"word/charts/chart1.xml": `<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">` +
			`<c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Sales by Region</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea/></c:chart></c:chartSpace>`,
		"word/diagrams/data1.xml": `<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>` +
			`<dgm:pt modelId="0" type="doc"><dgm:t><a:p/></dgm:t></dgm:pt>` +
			`<dgm:pt modelId="1"><dgm:t><a:p><a:r><a:t>Plan</a:t></a:r></a:p></dgm:t></dgm:pt>` +
			`<dgm:pt modelId="2"><dgm:t><a:p><a:r><a:t>Budget</a:t></a:r></a:p></dgm:t></dgm:pt>` +
			`<dgm:pt modelId="3"><dgm:t><a:p><a:r><a:t>Build</a:t></a:r></a:p></dgm:t></dgm:pt>` +
			`<dgm:pt modelId="9" type="sibTrans"><dgm:t><a:p><a:r><a:t>ignored</a:t></a:r></a:p></dgm:t></dgm:pt>` +
			`</dgm:ptLst><dgm:cxnLst><dgm:cxn modelId="20" srcId="0" destId="1"/><dgm:cxn modelId="21" srcId="1" destId="2"/>` +
			`<dgm:cxn modelId="22" srcId="0" destId="3"/><dgm:cxn modelId="23" type="presOf" srcId="1" destId="9"/></dgm:cxnLst></dgm:dataModel>`,
	}
	rels := [][3]string{{"rId7", "chart", "charts/chart1.xml"}, {"rId8", "diagramData", "diagrams/data1.xml"}}
	body := `<w:p><w:r><w:drawing><a:graphic><a:graphicData><c:chart r:id="rId7"/></a:graphicData></a:graphic></w:drawing></w:r></w:p>` +
		`<w:p><w:r><w:drawing><a:graphic><a:graphicData><dgm:relIds r:dm="rId8"/></a:graphicData></a:graphic></w:drawing></w:r></w:p>`
	md := convertOK(t, docxWithParts(t, body, parts, rels), ".docx").Markdown
	mustContain(t, md, "Sales by Region", "- Plan\n    - Budget\n- Build")
	if strings.Contains(md, "ignored") {
		t.Errorf("transition text kept:\n%s", md)
	}
}
