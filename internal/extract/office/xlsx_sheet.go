package office

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// cellPos addresses a cell, zero-based.
type cellPos struct{ row, col int }

// sheetData is the non-empty cells of one sheet plus its merged ranges.
type sheetData struct {
	cells  map[cellPos]string
	merges []cellRange
	images []drawingItem // rendered pictures and charts
}

// drawingItem is a rendered picture or chart and the cell it is anchored at.
type drawingItem struct {
	at cellPos
	md string
}

// cellRange is an inclusive rectangle of cells.
type cellRange struct{ top, left, bottom, right int }

// sheet converts one worksheet part to Markdown and returns how many
// characters (not white space) its cells (before merged ranges repeat any)
// and its charts' data hold. A block title that only repeats the sheet name is dropped.
func (wb *workbook) sheet(ctx context.Context, p *pkg, part, name string) (string, int, error) {
	data, err := p.read(part)
	if err != nil {
		return "", 0, err
	}
	sd := &sheetData{cells: map[cellPos]string{}}
	if err := wb.readCells(ctx, data, sd); err != nil {
		return "", 0, err
	}
	chars := 0
	for _, v := range sd.cells {
		chars += format.TextChars(v)
	}
	sd.images = drawings(p, part)
	sd.applyMerges()
	var out mdWriter
	images := sd.images
	for _, b := range sd.blocks() {
		// Drawings anchored before this block (in reading order) come first.
		for len(images) > 0 && before(images[0].at, cellPos{b.top, b.left}) {
			out.block(images[0].md)
			images = images[1:]
		}
		title, table := b.markdown(sd.cells)
		if !strings.EqualFold(strings.Join(strings.Fields(title), " "), strings.Join(strings.Fields(name), " ")) {
			out.block(title)
		}
		out.block(table)
	}
	for _, img := range images {
		out.block(img.md)
	}
	for _, img := range sd.images {
		// Charts carry their data in the chart part; it is the sheet's too.
		chars += format.TextChars(strings.ReplaceAll(img.md, "<!-- image -->", ""))
	}
	return out.String(), chars, nil
}

// cellReader is the state of streaming one worksheet's cells.
type cellReader struct {
	wb          *workbook
	sd          *sheetData
	cur         cellPos
	typ, style  string
	val, inline strings.Builder
	inV, inIs   bool
	row, next   int // current row, next column without an explicit reference
}

// readCells streams sheetData and mergeCells of a worksheet.
func (wb *workbook) readCells(ctx context.Context, data []byte, sd *sheetData) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	r := &cellReader{wb: wb, sd: sd, row: -1}
	for tokens := 1; ; tokens++ {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if len(sd.cells) > 0 {
				return nil // keep what was read of a truncated sheet
			}
			return &format.Error{Code: format.CodeCorrupt, Detail: "malformed worksheet", Err: err}
		}
		if tokens%65536 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			r.start(t)
		case xml.EndElement:
			r.end(t.Name.Local)
		case xml.CharData:
			if r.inV {
				r.val.Write(t)
			} else if r.inIs {
				r.inline.Write(t)
			}
		}
	}
}

func (r *cellReader) start(t xml.StartElement) {
	switch t.Name.Local {
	case "row":
		r.row = parseRowAttr(t, r.row+1)
		r.next = 0
	case "c":
		r.cur = cellPos{max(r.row, 0), r.next}
		r.typ, r.style = "", ""
		for _, a := range t.Attr {
			switch a.Name.Local {
			case "r":
				if pos, ok := parseRef(a.Value); ok {
					r.cur = pos
				}
			case "t":
				r.typ = a.Value
			case "s":
				r.style = a.Value
			}
		}
		r.next = r.cur.col + 1
		r.val.Reset()
		r.inline.Reset()
	case "v":
		r.inV = true
	case "is":
		r.inIs = true
	case "mergeCell":
		if m, ok := parseRange(attrOf(t, "ref")); ok {
			r.sd.merges = append(r.sd.merges, m)
		}
	}
}

func (r *cellReader) end(name string) {
	switch name {
	case "v":
		r.inV = false
	case "is":
		r.inIs = false
	case "c":
		text := r.inline.String()
		if r.typ != "inlineStr" {
			text = r.wb.cellText(r.val.String(), r.typ, r.style)
		}
		if text = strings.TrimSpace(text); text != "" && r.wb.cells < maxSheetCells {
			r.sd.cells[r.cur] = text
			r.wb.cells++
		}
	}
}

func attrOf(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func parseRowAttr(t xml.StartElement, def int) int {
	if n, err := strconv.Atoi(attrOf(t, "r")); err == nil && n >= 1 && n <= 1<<20 {
		return n - 1
	}
	return def
}

// cellText turns a stored value into display text by the cell's type and format.
func (wb *workbook) cellText(v, typ, style string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(wb.strings) {
			return ""
		}
		return wb.strings[i]
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE"
		}
		return "FALSE"
	case "str", "e", "inlineStr":
		return v
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return v
	}
	var nf numFmt
	if i, err := strconv.Atoi(style); err == nil && i >= 0 && i < len(wb.styles) {
		nf = wb.styles[i]
	}
	return nf.format(f, wb.date1904)
}

// parseRef reads an A1-style reference ("$AB$12" too).
func parseRef(ref string) (cellPos, bool) {
	ref = strings.ReplaceAll(ref, "$", "")
	col, i := 0, 0
	for i < len(ref) && i < 4 {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	row, err := strconv.Atoi(ref[i:])
	if i == 0 || err != nil || row < 1 || row > 1<<20 || col > 16384 {
		return cellPos{}, false
	}
	return cellPos{row - 1, col - 1}, true
}

// parseRange reads "A1:C3" (or a single cell).
func parseRange(ref string) (cellRange, bool) {
	a, b, found := strings.Cut(ref, ":")
	if !found {
		b = a
	}
	p1, ok1 := parseRef(a)
	p2, ok2 := parseRef(b)
	if !ok1 || !ok2 {
		return cellRange{}, false
	}
	return cellRange{min(p1.row, p2.row), min(p1.col, p2.col), max(p1.row, p2.row), max(p1.col, p2.col)}, true
}

// drawings renders the pictures and charts anchored on a sheet, in anchor order.
func drawings(p *pkg, part string) []drawingItem {
	rs, err := p.rels(part)
	if err != nil {
		return nil
	}
	var out []drawingItem
	for _, r := range relsOfType(rs, "drawing") {
		root, err := readXMLPart(p, r.Target)
		if err != nil || root == nil {
			continue
		}
		drs, _ := p.rels(r.Target)
		for _, top := range root.Children {
			for _, anchor := range top.Children {
				if len(out) >= 100 {
					break
				}
				if md := anchorMarkdown(p, anchor, drs); md != "" {
					from := anchor.child("from")
					at := cellPos{atoiOr(from.child("row").Text, 0), atoiOr(from.child("col").Text, 0)}
					out = append(out, drawingItem{at, md})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return before(out[i].at, out[j].at) })
	return out
}

// anchorMarkdown renders one drawing anchor: a chart with its data, or a
// placeholder for a picture or other graphic; "" for plain shapes.
func anchorMarkdown(p *pkg, anchor *node, drs map[string]rel) string {
	if ch := firstOf(anchor, "chart"); ch != nil {
		if cr, ok := drs[ch.attr("r:id")]; ok && !cr.External {
			return chartMarkdown(p, cr.Target)
		}
	}
	if firstOf(anchor, "pic") != nil || firstOf(anchor, "graphicFrame") != nil {
		return "<!-- image -->"
	}
	return ""
}

// before orders cells by row, then column.
func before(a, b cellPos) bool {
	if a.row != b.row {
		return a.row < b.row
	}
	return a.col < b.col
}

// firstOf returns the first descendant of n with the local name, or nil.
func firstOf(n *node, name string) *node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
		if d := firstOf(c, name); d != nil {
			return d
		}
	}
	return nil
}
