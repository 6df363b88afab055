package office

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// fuzzConvert runs Convert with a small budget and checks only that it
// returns (no panic, no hang) with a coded error or Markdown.
func fuzzConvert(t *testing.T, data []byte, ext string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := Convert(ctx, data, ext, format.Options{MaxUncompressed: 8 << 20, SofficePath: "/nonexistent/soffice"})
	if err != nil && format.CodeOf(err) == "" {
		t.Fatalf("uncoded error: %v", err)
	}
	if err == nil && out.Markdown == "" {
		t.Fatal("no error and no Markdown")
	}
}

// FuzzConvert fuzzes the package entry point with whole files.
func FuzzConvert(f *testing.F) {
	exts := []string{".docx", ".pptx", ".xlsx", ".csv", ".doc"}
	for _, ext := range exts[:3] {
		for _, name := range samples(f, ext) {
			f.Add(readSample(f, name), uint8(0))
		}
	}
	f.Add([]byte("a,b\n1,2\n"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		fuzzConvert(t, data, exts[int(kind)%len(exts)])
		Sniff(data)
	})
}

// partSeeds returns a member of every sample of a format, for seeding.
func partSeeds(f *testing.F, ext, member string) [][]byte {
	var out [][]byte
	for _, name := range samples(f, ext) {
		p, err := openPackage(readSample(f, filepath.Base(name)), 64<<20)
		if err != nil {
			f.Fatal(err)
		}
		if data, err := p.read(member); err == nil && data != nil {
			out = append(out, data)
		}
	}
	return out
}

// FuzzDOCXDocument fuzzes word/document.xml inside a valid package, which
// reaches the converter far more often than mutating the zip does.
func FuzzDOCXDocument(f *testing.F) {
	for _, s := range partSeeds(f, ".docx", "word/document.xml") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		data := buildZip(t, map[string]string{"word/document.xml": string(doc)})
		fuzzConvert(t, data, ".docx")
	})
}

// FuzzPPTXSlide fuzzes a slide part inside a valid package.
func FuzzPPTXSlide(f *testing.F) {
	for _, s := range partSeeds(f, ".pptx", "ppt/slides/slide1.xml") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, slide []byte) {
		data := buildZip(t, map[string]string{
			"ppt/presentation.xml":            `<p:presentation xmlns:p="` + nsP + `" xmlns:r="` + nsR + `"><p:sldIdLst><p:sldId r:id="rId1"/></p:sldIdLst></p:presentation>`,
			"ppt/_rels/presentation.xml.rels": `<Relationships><Relationship Id="rId1" Type="` + nsR + `/slide" Target="slides/slide1.xml"/></Relationships>`,
			"ppt/slides/slide1.xml":           string(slide),
		})
		fuzzConvert(t, data, ".pptx")
	})
}

// FuzzXLSXSheet fuzzes a worksheet part inside a valid package.
func FuzzXLSXSheet(f *testing.F) {
	for _, s := range partSeeds(f, ".xlsx", "xl/worksheets/sheet1.xml") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sheet []byte) {
		data := buildZip(t, map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="` + nsR + `"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="` + nsR + `/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml":   string(sheet),
		})
		fuzzConvert(t, data, ".xlsx")
	})
}

// FuzzCSV fuzzes delimited text.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a;b\n\"x;\"\"y\";2\n", "\xff\xfea\x00\t\x00b\x00", "caf\xe9|x\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzConvert(t, data, ".csv") })
}
