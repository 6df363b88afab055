package office

import (
	"strings"
	"testing"
)

const nsX = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`

// xlsxPackage builds a one-sheet workbook from sheetData inner XML.
func xlsxPackage(t testing.TB, sheetXML, extra string) []byte {
	t.Helper()
	return buildZip(t, map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relDoc + `" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<workbook xmlns="` + nsX + `" xmlns:r="` + nsR + `"><sheets>` +
			`<sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="Secret" sheetId="2" state="hidden" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + nsR + `/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + nsR + `/sharedStrings" Target="sharedStrings.xml"/>` +
			`<Relationship Id="rId3" Type="` + nsR + `/styles" Target="styles.xml"/></Relationships>`,
		"xl/sharedStrings.xml": `<sst xmlns="` + nsX + `"><si><t>Name</t></si><si><r><t>Da</t></r><r><t>te</t></r></si><si><t>Share</t></si></sst>`,
		"xl/styles.xml": `<styleSheet xmlns="` + nsX + `"><numFmts><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd;@"/></numFmts>` +
			`<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="9"/><xf numFmtId="164"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml": `<worksheet xmlns="` + nsX + `"><sheetData>` + sheetXML + `</sheetData>` + extra + `</worksheet>`,
	})
}

func TestXLSXSynthetic(t *testing.T) {
	tests := []struct {
		name, sheet, extra string
		wants              []string
	}{
		{"types and formats",
			`<row r="3"><c r="B3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c><c r="D3" t="s"><v>2</v></c></row>` +
				`<row r="4"><c r="B4" t="inlineStr"><is><t>Ann</t></is></c><c r="C4" s="1"><v>45292</v></c><c r="D4" s="2"><v>0.25</v></c></row>` +
				`<row r="5"><c r="B5" t="b"><v>1</v></c><c r="C5" s="3"><v>45293.5</v></c><c r="D5"><v>0.30000000000000004</v></c></row>`,
			"", []string{"## Data\n", "| Name | Date | Share |\n|---|---|---|\n| Ann | 2024-01-01 | 25% |\n| TRUE | 2024-01-02 | 0.3 |"}},
		{"two blocks and a title",
			`<row r="1"><c r="A1" t="inlineStr"><is><t>Report</t></is></c></row>` +
				`<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="B2" t="inlineStr"><is><t>y</t></is></c></row>` +
				`<row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>2</v></c></row>` +
				`<row r="6"><c r="D6" t="inlineStr"><is><t>k</t></is></c><c r="E6" t="inlineStr"><is><t>v</t></is></c></row>` +
				`<row r="7"><c r="D7"><v>3</v></c><c r="E7"><v>4</v></c></row>`,
			`<mergeCells><mergeCell ref="A1:B1"/></mergeCells>`,
			[]string{"Report\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n| k | v |\n|---|---|\n| 3 | 4 |"}},
		{"merged header",
			`<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>wide</t></is></c></row>` +
				`<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="C2"><v>3</v></c></row>`,
			`<mergeCells><mergeCell ref="B1:C1"/></mergeCells>`,
			[]string{"| a | wide | wide |\n|---|---|---|\n| 1 | 2 | 3 |"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := convertOK(t, xlsxPackage(t, tt.sheet, tt.extra), ".xlsx")
			mustContain(t, out.Markdown, tt.wants...)
			if out.PageCount != 1 {
				t.Errorf("PageCount = %d, want 1 (hidden sheet skipped)", out.PageCount)
			}
		})
	}
}

func TestNumberFormats(t *testing.T) {
	tests := []struct {
		code string
		v    float64
		want string
	}{
		{"General", 1234.5, "1234.5"},
		{"0.00%", 0.1234, "12.34%"},
		{"d/m/yyyy", 45292, "2024-01-01"},
		{"h:mm", 0.75, "18:00:00"},
		{"yyyy-mm-dd hh:mm", 45292.25, "2024-01-01 06:00:00"},
		{`"Date:" 0`, 5, "5"},
		{"[Red]#,##0.00", 1e6, "1000000"},
		{"0.00E+00", 1.5e20, "1.5e+20"},
	}
	for _, tt := range tests {
		if got := classifyFormat(tt.code).format(tt.v, false); got != tt.want {
			t.Errorf("format(%q, %v) = %q, want %q", tt.code, tt.v, got, tt.want)
		}
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref  string
		want cellPos
		ok   bool
	}{
		{"A1", cellPos{0, 0}, true},
		{"$AB$12", cellPos{11, 27}, true},
		{"XFD1048576", cellPos{1048575, 16383}, true},
		{"1A", cellPos{}, false},
		{"AAAAA1", cellPos{}, false},
		{"A0", cellPos{}, false},
	}
	for _, tt := range tests {
		got, ok := parseRef(tt.ref)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRef(%q) = %v, %v", tt.ref, got, ok)
		}
	}
}

// TestXLSXSparseBlock: an L-shaped block spanning the whole sheet must not
// be laid out as a 17-billion-cell grid.
func TestXLSXSparseBlock(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<row r="1">`)
	for c := 1; c <= 3000; c++ {
		b.WriteString(`<c r="` + colName(c) + `1"><v>` + itoa(c) + `</v></c>`)
	}
	b.WriteString(`</row>`)
	for r := 2; r <= 3000; r++ {
		b.WriteString(`<row r="` + itoa(r) + `"><c r="A` + itoa(r) + `"><v>2</v></c></row>`)
	}
	out := convertOK(t, xlsxPackage(t, b.String(), ""), ".xlsx")
	if len(out.Markdown) > 1<<20 {
		t.Fatalf("output is %d bytes", len(out.Markdown))
	}
}

// colName is the letters of a 1-based column number.
func colName(c int) string {
	s := ""
	for c > 0 {
		c--
		s = string(rune('A'+c%26)) + s
		c /= 26
	}
	return s
}
