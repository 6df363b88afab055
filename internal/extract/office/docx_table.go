package office

import (
	"strings"
)

// maxTableCols bounds the grid width of one table (gridSpan values are
// attacker controlled).
const maxTableCols = 512

// table lays a w:tbl out on its grid. Horizontally merged cells (gridSpan)
// and vertically merged ones (vMerge) repeat their text in every grid cell
// they cover, so each row reads completely on its own; cells skipped at a
// row's start (gridBefore) stay empty.
func (d *docx) table(t *node) [][]string {
	var rows [][]string
	for _, tr := range childrenThrough(t, "tr") {
		col := min(atoiOr(tr.path("trPr", "gridBefore").attr("val"), 0), maxTableCols)
		row := make([]string, col)
		for _, tc := range childrenThrough(tr, "tc") {
			span := min(max(atoiOr(tc.path("tcPr", "gridSpan").attr("val"), 1), 1), maxTableCols)
			text := d.cellText(tc)
			if vm := tc.path("tcPr", "vMerge"); vm != nil && vm.attr("val") != "restart" && len(rows) > 0 {
				if above := rows[len(rows)-1]; col < len(above) {
					text = above[col]
				}
			}
			for i := 0; i < span && len(row) < maxTableCols; i++ {
				row = append(row, text)
			}
			col += span
		}
		rows = append(rows, row)
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	for i := range rows {
		for len(rows[i]) < width {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

// childrenThrough returns the children of n named name, looking through
// content controls and custom XML (a table's w:tr, a row's w:tc).
func childrenThrough(n *node, name string) []*node {
	var out []*node
	for _, c := range n.Children {
		switch c.Name {
		case name:
			out = append(out, c)
		case "sdt", "customXml", "sdtContent":
			out = append(out, childrenThrough(c, name)...)
		}
	}
	return out
}

// cellText flattens a cell to one line: paragraphs and nested tables joined by spaces.
func (d *docx) cellText(tc *node) string {
	var parts []string
	var walk func(*node)
	walk = func(n *node) {
		for _, c := range n.Children {
			switch c.Name {
			case "p":
				var spans []span
				var extra []*node
				d.collect(c, &spans, &extra)
				parts = append(parts, renderSpans(spans, true))
				for _, box := range extra {
					switch {
					case box.Name == "markdown":
						parts = append(parts, box.Text)
					case box != imageNode:
						walk(box)
					}
				}
			case "tbl":
				for _, row := range d.table(c) {
					parts = append(parts, strings.Join(row, " "))
				}
			case "sdt", "sdtContent", "customXml":
				walk(c)
			}
		}
	}
	walk(tc)
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}
