package pdf

import (
	"context"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// seg makes a one-segment line.
func seg(text string, x0, y0, x1, size float64, bold bool) line {
	s := segment{text: text, x0: x0, y0: y0, x1: x1, y1: y0 + size*1.2, size: size, bold: bold}
	return line{segs: []segment{s}, x0: x0, y0: y0, x1: x1, y1: s.y1}
}

// row makes a line of cells, each 40 pt wide, starting at the given xs.
func row(y float64, xs []float64, cells ...string) line {
	var l line
	for i, c := range cells {
		s := segment{text: c, x0: xs[i], y0: y, x1: xs[i] + 40, y1: y + 12, size: 10}
		if i == 0 {
			l = line{x0: s.x0, y0: s.y0, x1: s.x1, y1: s.y1}
		}
		l.add(s)
	}
	return l
}

func TestMarkHeadings(t *testing.T) {
	blocks := []block{
		newBlock(seg("Document Title", 50, 50, 300, 20, true)),
		newBlock(seg("Introduction", 50, 90, 200, 14, true)),
		newBlock(seg("Body text that is long enough to be a paragraph of prose.", 50, 120, 500, 10, false)),
		newBlock(seg("Method details", 50, 150, 200, 10, true)),
		newBlock(seg("A bold sentence that ends with a period.", 50, 180, 400, 10, true)),
		newBlock(seg("1. Numbered section", 50, 210, 200, 10, true)),
		newBlock(seg("1. a numbered list item", 50, 240, 200, 10, false)),
	}
	markHeadings(blocks, 10)
	want := []struct {
		kind  blockKind
		level int
	}{{kindHeading, 1}, {kindHeading, 2}, {kindPara, 0}, {kindHeading, 3}, {kindPara, 0}, {kindHeading, 3}, {kindList, 0}}
	for i, w := range want {
		if blocks[i].kind != w.kind || blocks[i].level != w.level {
			t.Errorf("block %d %q: kind %d level %d, want kind %d level %d", i, blocks[i].text, blocks[i].kind, blocks[i].level, w.kind, w.level)
		}
	}
	if got := joinLines(blocks[5].text); got != "1. Numbered section" {
		t.Errorf("numbered heading text = %q", got)
	}
}

func TestBodySize(t *testing.T) {
	pages := []pageLines{{lines: []line{
		seg("Big title", 0, 0, 100, 24, true),
		seg(strings.Repeat("body text ", 20), 0, 40, 500, 10, false),
		seg(strings.Repeat("more body ", 20), 0, 60, 500, 10, false),
	}}}
	if got := bodySize(pages); got != 10 {
		t.Errorf("bodySize = %v, want 10", got)
	}
}

func TestRemoveFurniture(t *testing.T) {
	var pages []pageLines
	for i := 1; i <= 4; i++ {
		n := strings.Repeat("I", i)
		pages = append(pages, pageLines{height: 800, lines: []line{
			seg("Journal of Things — Volume 3", 50, 30, 300, 9, false),
			seg("Chapter text on page "+n, 50, 100, 500, 10, false),
			seg("Confidential draft, page "+string(rune('0'+i)), 50, 760, 300, 9, false),
		}})
	}
	// A lone page number on the last page, and a single-page-only footer.
	pages[3].lines = append(pages[3].lines, seg("- 4 -", 280, 780, 320, 9, false))
	removeFurniture(pages)
	for i, p := range pages {
		if len(p.lines) != 1 || !strings.HasPrefix(p.lines[0].text(), "Chapter text") {
			var got []string
			for _, l := range p.lines {
				got = append(got, l.text())
			}
			t.Errorf("page %d kept %q, want only the chapter text", i+1, got)
		}
	}
}

func TestRemoveFurnitureNumberedRunningHead(t *testing.T) {
	head := line{}
	head.segs = []segment{
		{text: "Short Paper Title", x0: 100, y0: 90, x1: 300, y1: 100, size: 9},
		{text: "9", x0: 470, y0: 90, x1: 475, y1: 100, size: 9},
	}
	head.x0, head.y0, head.x1, head.y1 = 100, 90, 475, 100
	pages := []pageLines{{height: 792, lines: []line{head, seg("Body starts here.", 100, 120, 475, 10, false)}}}
	removeFurniture(pages)
	if len(pages[0].lines) != 1 {
		t.Fatalf("running head with page number kept: %d lines", len(pages[0].lines))
	}
}

func TestTableAt(t *testing.T) {
	xs := []float64{50, 150, 250}
	lines := []line{
		seg("Results are below.", 50, 80, 400, 10, false),
		row(100, xs, "Name", "Colour", "Count"),
		row(114, xs, "alpha", "red", "12"),
		row(128, xs, "beta", "", "7"),
		row(142, xs, "", "green", ""), // wrapped cell of beta's row
		row(156, xs, "gamma", "blue", "3"),
		seg("After the table.", 50, 190, 400, 10, false),
	}
	rows, n := tableAt(lines, 1)
	if n != 5 {
		t.Fatalf("table consumed %d lines, want 5", n)
	}
	want := [][]string{{"Name", "Colour", "Count"}, {"alpha", "red", "12"}, {"beta", "green", "7"}, {"gamma", "blue", "3"}}
	if len(rows) != len(want) {
		t.Fatalf("rows = %q, want %q", rows, want)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
	if _, n := tableAt(lines, 0); n != 0 {
		t.Errorf("prose line taken as a table start")
	}
}

func TestTableAtRejectsProse(t *testing.T) {
	long := "this is a long run of words that reads like ordinary prose text"
	lines := []line{
		row(100, []float64{50, 300}, long, long),
		row(114, []float64{50, 300}, long, long),
		row(128, []float64{50, 300}, long, long),
	}
	if _, n := tableAt(lines, 0); n != 0 {
		t.Errorf("prose in two segments per line taken as a table")
	}
}

func TestReadingOrderTwoColumns(t *testing.T) {
	lines := []line{seg("A full width title line across both columns", 50, 40, 550, 14, true)}
	for i := 0; i < 10; i++ {
		y := 80 + float64(i)*14
		l := seg("left column text line", 50, y, 280, 10, false)
		l.add(segment{text: "right column text line", x0: 320, y0: y, x1: 550, y1: y + 12, size: 10})
		lines = append(lines, l)
	}
	got := readingOrder(lines)
	if len(got) != 21 {
		t.Fatalf("got %d lines, want 21", len(got))
	}
	for i, l := range got[1:11] {
		if !strings.HasPrefix(l.text(), "left") {
			t.Fatalf("line %d = %q, want the left column first", i+1, l.text())
		}
	}
	if !got[11].flowStart || !strings.HasPrefix(got[11].text(), "right") {
		t.Errorf("right column does not start a flow: %q", got[11].text())
	}
}

func TestReadingOrderKeepsTables(t *testing.T) {
	// Narrow cells in two groups must not be read as two text columns.
	var lines []line
	for i := 0; i < 10; i++ {
		lines = append(lines, row(80+float64(i)*14, []float64{50, 100, 400, 450}, "a", "b", "c", "d"))
	}
	if _, ok := findGutter(lines); ok {
		t.Errorf("table taken for a two-column page")
	}
}

func TestGarbage(t *testing.T) {
	good := word("Plenty of readable text on this page", 0, 0, 10, false)
	var cid []glyph
	for i := 0; i < 40; i++ {
		cid = append(cid, glyph{r: 0xFFFD, x0: float64(i), x1: float64(i + 1)})
	}
	tests := []struct {
		name string
		gs   []glyph
		want bool
	}{{"text", good, false}, {"empty", nil, true}, {"unmapped", cid, true}, {"symbols", word("#$%&*@!#$%&*@!#$%&*", 0, 0, 10, false), true}}
	for _, tt := range tests {
		if got := garbage(tt.gs); got != tt.want {
			t.Errorf("garbage(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestReadingOrderMisalignedColumns(t *testing.T) {
	var lines []line
	for i := 0; i < 10; i++ {
		lines = append(lines, seg("left column text line", 50, 80+float64(i)*14, 280, 10, false))
		lines = append(lines, seg("right column text line", 320, 87+float64(i)*14, 550, 10, false))
	}
	got := readingOrder(buildLinesFrom(lines))
	for i, l := range got[:10] {
		if !strings.HasPrefix(l.text(), "left") {
			t.Fatalf("line %d = %q, want the left column first", i, l.text())
		}
	}
}

// buildLinesFrom re-groups one-segment lines through buildLines.
func buildLinesFrom(lines []line) []line {
	var segs []segment
	for _, l := range lines {
		segs = append(segs, l.segs...)
	}
	return buildLines(segs)
}

func TestNeedsOCR(t *testing.T) {
	text := word("A page with a proper text layer that goes on and on for quite a while", 0, 0, 10, false)
	stamp := word("Scanned by ACME on 2024-01-01", 0, 0, 10, false)
	tests := []struct {
		name  string
		gs    []glyph
		image float64
		want  bool
	}{
		{"text, no image", text, 0, false},
		{"blank, no image", nil, 0, false},
		{"unmapped glyphs, no image", word("\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", 0, 0, 10, false), 0, true},
		{"short text, no image", word("Page 7", 0, 0, 10, false), 0, false},
		{"code and symbols, no image", word("x ::= { a, b } -- (#$%&*@!)", 0, 0, 10, false), 0, false},
		{"symbols over an image", word("#$%&*@!#$%&*@!#$%&*", 0, 0, 10, false), 0.3, true},
		{"blank scan", nil, 0.9, true},
		{"scan with a stamp", stamp, 0.9, true},
		{"small image, stamp", stamp, 0.1, false},
		{"text over a full-page image", append(append(text, text...), text...), 0.9, false},
	}
	for _, tt := range tests {
		if got := needsOCR(tt.gs, tt.image); got != tt.want {
			t.Errorf("%s: needsOCR = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTableAtRejectsJustifiedText(t *testing.T) {
	// Stretched word spaces of a narrow justified column, lined up by
	// chance, with a normal line between them.
	lines := []line{
		row(100, []float64{50, 120, 190}, "silon theta", "sigma", "sigma"),
		seg("lambda iota lambda sigma kappa", 50, 114, 230, 10, false),
		row(128, []float64{50, 120, 190}, "gamma omicron", "kappa", "sigma"),
	}
	if _, n := tableAt(lines, 0); n != 0 {
		t.Errorf("justified text taken as a table")
	}
}

func TestReadingOrderKeepsWideTables(t *testing.T) {
	var lines []line
	for i := 0; i < 10; i++ {
		y := 80 + float64(i)*14
		l := seg("left column text line", 50, y, 280, 10, false)
		l.add(segment{text: "right column text line", x0: 320, y0: y, x1: 550, y1: y + 12, size: 10})
		lines = append(lines, l)
	}
	// A page-wide table whose middle column gap lies on the gutter.
	for i := 0; i < 4; i++ {
		lines = append(lines, row(240+float64(i)*14, []float64{50, 150, 330, 450}, "a", "b", "c", "d"))
	}
	got := readingOrder(lines)
	var rows int
	for _, l := range got {
		if len(l.segs) == 4 {
			rows++
		}
	}
	if rows != 4 {
		t.Errorf("%d intact table rows, want 4", rows)
	}
}

// TestAppendTableJoinsRowGroups: row groups set apart by a blank line, with
// as many columns, are one table; a table far below, or with other
// columns, stays apart.
func TestAppendTableJoinsRowGroups(t *testing.T) {
	tbl := func(y float64, cols int) block {
		row := make([]string, cols)
		return block{kind: kindTable, rows: [][]string{row, row}, lines: []line{{y0: y, y1: y + 10}, {y0: y + 12, y1: y + 22}}}
	}
	tests := []struct {
		name   string
		second block
		want   int // tables after appending
	}{
		{"blank line between", tbl(40, 3), 1},
		{"touching", tbl(24, 3), 1},
		{"far below", tbl(80, 3), 2},
		{"other columns", tbl(40, 4), 2},
	}
	for _, tt := range tests {
		out := appendTable([]block{tbl(0, 3)}, tt.second)
		if len(out) != tt.want {
			t.Errorf("%s: %d tables, want %d", tt.name, len(out), tt.want)
		}
		if tt.want == 1 && len(out[0].rows) != 4 {
			t.Errorf("%s: %d rows, want 4", tt.name, len(out[0].rows))
		}
	}
}

// TestDemoteTitleLines: on a title page set all large, only the first line
// stays a heading; numbered or outlined headings in a row stay.
func TestDemoteTitleLines(t *testing.T) {
	h := func(text string, page int, outlined bool) block {
		return block{kind: kindHeading, level: 1, page: page, text: []string{text}, lines: []line{{}}, outlined: outlined}
	}
	p := func(text string) block {
		return block{kind: kindPara, page: 1, text: []string{text}, lines: []line{{}}}
	}
	tests := []struct {
		name   string
		blocks []block
		want   []blockKind
	}{
		{"title page", []block{h("Annual Report", 1, false), h("Northwind Trading", 1, false), p("2024"), h("Jane Roe", 1, false)},
			[]blockKind{kindHeading, kindPara, kindPara, kindPara}},
		{"numbered sections", []block{h("1. Scope", 1, false), h("2. Terms", 1, false), h("3. Usage", 1, false)},
			[]blockKind{kindHeading, kindHeading, kindHeading}},
		{"outlined", []block{h("Intro", 1, true), h("Setup", 1, true), h("Usage", 1, true)},
			[]blockKind{kindHeading, kindHeading, kindHeading}},
		{"two only", []block{h("Annual Report", 1, false), h("Northwind", 1, false)},
			[]blockKind{kindHeading, kindHeading}},
		{"other pages", []block{h("A title", 1, false), h("B title", 2, false), h("C title", 3, false)},
			[]blockKind{kindHeading, kindHeading, kindHeading}},
	}
	for _, tt := range tests {
		demoteTitleLines(tt.blocks)
		for i, b := range tt.blocks {
			if b.kind != tt.want[i] {
				t.Errorf("%s: block %d (%s) kind %v, want %v", tt.name, i, b.text[0], b.kind, tt.want[i])
			}
		}
	}
}

// TestHeadingNotAddress: a large line holding an e-mail address or a link
// is an author or reference line, and a sentence set large is a slide's
// text, not a heading.
func TestHeadingNotAddress(t *testing.T) {
	for text, want := range map[string]bool{
		"Installing the Server":                          true,
		"Jane Roe (jane.roe@example.org)":                false,
		"X Group (http://www.example.org)":               false,
		"Results for the year 2024.":                     true,
		"Sales grew in every region we serve this year.": false,
	} {
		b := block{kind: kindPara, text: []string{text}, lines: []line{{}}, size: 16}
		if got := isHeading(b, 10); got != want {
			t.Errorf("%q: heading %v, want %v", text, got, want)
		}
	}
}

// TestJoinWrappedTitles: a title wrapped over two lines with a loose
// leading is one heading; a second title further down, a numbered one or
// one of another size stays apart.
func TestJoinWrappedTitles(t *testing.T) {
	para := func(text string, x0, y0, size float64) block {
		l := line{x0: x0, x1: x0 + 100, y0: y0, y1: y0 + size}
		return block{kind: kindPara, text: []string{text}, lines: []line{l}, size: size, page: 1, x0: x0}
	}
	tests := []struct {
		name   string
		second block
		want   int
	}{
		{"wrapped", para("TEMPLATE", 392, 239, 26), 1},
		{"centred", para("TEMPLATE", 380, 239, 26), 1},
		{"far below", para("TEMPLATE", 392, 300, 26), 2},
		{"numbered", para("2. Usage", 392, 239, 26), 2},
		{"other size", para("TEMPLATE", 392, 239, 18), 2},
		{"body text", para("and then the text goes on for a while.", 392, 239, 26), 2},
	}
	for _, tt := range tests {
		out := joinWrappedTitles([]block{para("YELLOW IDEA", 392, 203, 26), tt.second}, 12)
		if len(out) != tt.want {
			t.Errorf("%s: %d blocks, want %d", tt.name, len(out), tt.want)
		}
	}
}

// TestMergeWrapped: a row with an empty first cell carries on the row
// above, into the first row only when it reads as the rest of its text.
func TestMergeWrapped(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		want int
	}{
		{"wrapped first row", [][]string{{"Jun. 2008", "Lorem ipsum sed diam"}, {"", "nonumy eirmod"}, {"Feb. 2004", "At vero"}}, 2},
		{"labels under a label", [][]string{{"Work:", "GSM:"}, {"", "phone:"}, {"", "fax:"}}, 3},
		{"capitalised value", [][]string{{"Fruit", "Apple"}, {"", "Banana"}}, 2},
		{"later row", [][]string{{"Year", "Event"}, {"2008", "Moved to the"}, {"", "Capital"}}, 2},
	}
	for _, tt := range tests {
		if got := mergeWrapped(tt.rows); len(got) != tt.want {
			t.Errorf("%s: %d rows %q, want %d", tt.name, len(got), got, tt.want)
		}
	}
}

// TestTableTrailingWrap: the wrapped end of the last row's cell stays in
// the table.
func TestTableTrailingWrap(t *testing.T) {
	content := text("F1", 11, 72, 700, "Period") + text("F1", 11, 200, 700, "Work done in that period of time") +
		text("F1", 11, 72, 686, "2008 to 2010") + text("F1", 11, 200, 686, "Built the first release of the") +
		text("F1", 11, 200, 672, "product with a small team.") +
		text("F1", 11, 72, 658, "2010 to 2014") + text("F1", 11, 200, 658, "Ran the support desk and") +
		text("F1", 11, 200, 644, "wrote the manuals.")
	out, err := Convert(context.Background(), pdfWithContents([]string{content}), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "| Period | Work done in that period of time |\n|---|---|\n| 2008 to 2010 | Built the first release of the product with a small team. |\n" +
		"| 2010 to 2014 | Ran the support desk and wrote the manuals. |\n"
	if out.Markdown != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.Markdown, want)
	}
}
