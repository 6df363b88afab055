package office

import (
	"strings"
	"testing"
)

func TestDOCXSynthetic(t *testing.T) {
	styles := `<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="MyHead"><w:name w:val="Fancy"/><w:basedOn w:val="Heading2"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Chapter"><w:name w:val="Chapter"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Bullets"><w:name w:val="Bullets"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>`
	numbering := `<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl>` +
		`<w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/></w:lvl>` +
		`<w:lvl w:ilvl="2"><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2.%3)"/></w:lvl></w:abstractNum>` +
		`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`
	item := func(lvl, text string) string {
		return `<w:p><w:pPr><w:numPr><w:ilvl w:val="` + lvl + `"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>` + text + `</w:t></w:r></w:p>`
	}
	tests := []struct {
		name  string
		body  string
		wants []string
		not   []string
	}{
		{"inherited heading", para("MyHead", "Inherited"), []string{"### Inherited\n"}, nil},
		{"outline level style", para("Chapter", "Outlined"), []string{"## Outlined\n"}, nil},
		{"nested list", item("0", "top") + item("1", "inner a") + item("1", "inner b") + item("0", "next"),
			[]string{"- top\n    1. inner a\n    2. inner b\n- next\n"}, nil},
		{"composite label", item("1", "x") + item("2", "deep a") + item("2", "deep b"),
			[]string{"    1. x\n        - 1.a) deep a\n        - 1.b) deep b"}, nil},
		{"list from style", para("Bullets", "styled item"), []string{"- styled item"}, nil},
		{"hyperlink", `<w:p><w:hyperlink r:id="rId3"><w:r><w:t>site</w:t></w:r></w:hyperlink></w:p>`,
			[]string{"[site](https://example.com/x)"}, nil},
		{"field hyperlink", `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://go.dev/" </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Go</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> site</w:t></w:r></w:p>`,
			[]string{"[Go](https://go.dev/) site"}, []string{"HYPERLINK"}},
		{"emphasis", `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">bold </w:t></w:r><w:r><w:t>plain</w:t></w:r></w:p>`,
			[]string{"**bold** plain"}, nil},
		{"deleted text skipped", `<w:p><w:r><w:t>kept</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>`,
			[]string{"kept"}, []string{"gone"}},
		{"text box once", `<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>` +
			para("", "BOXTEXT") + `</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>` +
			para("", "BOXTEXT") + `</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`,
			[]string{"BOXTEXT"}, nil},
		{"table spans", `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
			[]string{"| A | B |\n|---|---|\n| wide | wide |"}, nil},
		{"image", `<w:p><w:r><w:t>before</w:t><w:drawing><a:blip/></w:drawing></w:r></w:p>`, []string{"before\n\n<!-- image -->"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := convertOK(t, docxPackage(t, tt.body, styles, numbering), ".docx").Markdown
			mustContain(t, md, tt.wants...)
			for _, n := range tt.not {
				if strings.Contains(md, n) {
					t.Errorf("output has %q:\n%s", n, md)
				}
			}
			if tt.name == "text box once" && strings.Count(md, "BOXTEXT") != 1 {
				t.Errorf("text box taken %d times", strings.Count(md, "BOXTEXT"))
			}
		})
	}
}

// TestDOCXStrict converts a Strict OOXML document (purl.oclc.org namespaces).
func TestDOCXStrict(t *testing.T) {
	doc := strings.NewReplacer(nsW, nsWStrict, nsR, nsRStrict)
	data := buildZip(t, map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": doc.Replace(`<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>` +
			para("Heading1", "Strict title") + para("", "strict body") + `</w:body></w:document>`),
		"word/_rels/document.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/styles" Target="styles.xml"/></Relationships>`,
		"word/styles.xml": doc.Replace(`<w:styles xmlns:w="` + nsW + `"><w:style w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>`),
	})
	md := convertOK(t, data, ".docx").Markdown
	mustContain(t, md, "## Strict title\n", "strict body")
}

// TestDOCXNestedTextBoxes: each nested text box is converted once, and deep
// nesting does not multiply the work.
func TestDOCXNestedTextBoxes(t *testing.T) {
	body := para("", "inner")
	for range 40 {
		body = `<w:p><w:r><w:drawing><w:txbxContent>` + body + `</w:txbxContent></w:drawing></w:r></w:p>`
	}
	md := convertOK(t, docxPackage(t, body, "", ""), ".docx").Markdown
	if n := strings.Count(md, "inner"); n != 1 {
		t.Fatalf("inner text appears %d times", n)
	}
}
