package office

import (
	"context"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// benchFormat converts every sample of a format per iteration and reports
// MB/s and pages (pages, slides or sheets) per second.
func benchFormat(b *testing.B, ext string) {
	var files [][]byte
	size := 0
	for _, name := range samples(b, ext) {
		data := readSample(b, name)
		files = append(files, data)
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	pages := 0
	for b.Loop() {
		for _, data := range files {
			out, err := Convert(context.Background(), data, ext, format.Options{})
			if err != nil {
				b.Fatal(err)
			}
			pages += out.PageCount
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkDOCX(b *testing.B) { benchFormat(b, ".docx") }
func BenchmarkPPTX(b *testing.B) { benchFormat(b, ".pptx") }
func BenchmarkXLSX(b *testing.B) { benchFormat(b, ".xlsx") }

// BenchmarkCSV converts a generated 10,000-row CSV.
func BenchmarkCSV(b *testing.B) {
	var data []byte
	for i := range 10000 {
		data = append(data, []byte(itoa(i)+",name "+itoa(i)+",\"a, quoted\",3.14\n")...)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Convert(context.Background(), data, ".csv", format.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDOCXLarge converts a generated document of 20,000 paragraphs
// (headings, list items, body text) and 200 table rows. The MB/s figure
// is for the zipped file.
func BenchmarkDOCXLarge(b *testing.B) {
	var body strings.Builder
	for i := range 20000 {
		switch i % 10 {
		case 0:
			body.WriteString(para("Heading1", "Section "+itoa(i)))
		case 1, 2:
			body.WriteString(`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>item ` + itoa(i) + `</w:t></w:r></w:p>`)
		default:
			body.WriteString(`<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Bold start </w:t></w:r><w:r><w:t>and a sentence of ordinary body text number ` + itoa(i) + `.</w:t></w:r></w:p>`)
		}
	}
	body.WriteString(`<w:tbl>`)
	for i := range 200 {
		body.WriteString(`<w:tr><w:tc><w:p><w:r><w:t>r` + itoa(i) + `</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>v</w:t></w:r></w:p></w:tc></w:tr>`)
	}
	body.WriteString(`</w:tbl>`)
	data := docxPackage(b, body.String(), `<w:style w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>`,
		`<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Convert(context.Background(), data, ".docx", format.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(body.Len())*float64(b.N)/1e6/b.Elapsed().Seconds(), "xml-MB/s")
}

// BenchmarkXLSXLarge converts a generated sheet of 50,000 rows × 8 columns
// (numbers, shared strings and dates).
func BenchmarkXLSXLarge(b *testing.B) {
	var sheet strings.Builder
	for r := 1; r <= 50000; r++ {
		sheet.WriteString(`<row r="` + itoa(r) + `">`)
		for c := range 8 {
			ref := string(rune('A'+c)) + itoa(r)
			switch c % 3 {
			case 0:
				sheet.WriteString(`<c r="` + ref + `"><v>` + itoa(r*c) + `.25</v></c>`)
			case 1:
				sheet.WriteString(`<c r="` + ref + `" t="s"><v>` + itoa(r%3) + `</v></c>`)
			default:
				sheet.WriteString(`<c r="` + ref + `" s="1"><v>` + itoa(40000+r%1000) + `</v></c>`)
			}
		}
		sheet.WriteString(`</row>`)
	}
	data := xlsxPackage(b, sheet.String(), "")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Convert(context.Background(), data, ".xlsx", format.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sheet.Len())*float64(b.N)/1e6/b.Elapsed().Seconds(), "xml-MB/s")
	b.ReportMetric(50000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
