package office

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// buildZip makes a zip package from member name → content, in name order.
func buildZip(t testing.TB, members map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(members[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	nsW       = `http://schemas.openxmlformats.org/wordprocessingml/2006/main`
	nsR       = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	nsWStrict = `http://purl.oclc.org/ooxml/wordprocessingml/main`
	nsRStrict = `http://purl.oclc.org/ooxml/officeDocument/relationships`
	relDoc    = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument`
)

// docxPackage wraps a w:body's inner XML (plus optional styles and
// numbering) into a minimal .docx.
func docxPackage(t testing.TB, body, styles, numbering string) []byte {
	t.Helper()
	m := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relDoc + `" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0"?><w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"` +
			` xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"` +
			` xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"` +
			` xmlns:v="urn:schemas-microsoft-com:vml"` +
			` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>` + body + `</w:body></w:document>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + nsR + `/styles" Target="styles.xml"/>` +
			`<Relationship Id="rId2" Type="` + nsR + `/numbering" Target="numbering.xml"/>` +
			`<Relationship Id="rId3" Type="` + nsR + `/hyperlink" Target="https://example.com/x" TargetMode="External"/></Relationships>`,
	}
	if styles != "" {
		m["word/styles.xml"] = `<w:styles xmlns:w="` + nsW + `">` + styles + `</w:styles>`
	}
	if numbering != "" {
		m["word/numbering.xml"] = `<w:numbering xmlns:w="` + nsW + `">` + numbering + `</w:numbering>`
	}
	return buildZip(t, m)
}

// para is a w:p with an optional style and text.
func para(style, text string) string {
	ppr := ""
	if style != "" {
		ppr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
	}
	return `<w:p>` + ppr + `<w:r><w:t>` + text + `</w:t></w:r></w:p>`
}

// convertOK converts and fails the test on error.
func convertOK(t testing.TB, data []byte, ext string) format.Output {
	t.Helper()
	out, err := Convert(context.Background(), data, ext, format.Options{})
	if err != nil {
		t.Fatalf("Convert(%s): %v", ext, err)
	}
	return out
}

// mustContain fails for each want line missing from md.
func mustContain(t testing.TB, md string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(md, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, md)
		}
	}
}

// readSample reads testdata/name.
func readSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// samples lists testdata files with an extension.
func samples(t testing.TB, ext string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "*"+ext))
	if err != nil {
		t.Fatal(err)
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return names
}
