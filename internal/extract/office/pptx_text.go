package office

import (
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// placeholderType returns the ph type of a shape ("" for none, "obj" for a
// placeholder without a type).
func placeholderType(sh *node) string {
	ph := sh.path("nvSpPr", "nvPr", "ph")
	if ph == nil {
		return ""
	}
	if t := ph.attr("type"); t != "" {
		return t
	}
	return "obj"
}

// isFurniture reports placeholders repeated on every slide (date, footer,
// slide number), which are noise in the text.
func isFurniture(sh *node) bool {
	switch placeholderType(sh) {
	case "dt", "ftr", "sldNum", "hdr":
		return true
	}
	return false
}

func isTitle(sh *node) bool {
	t := placeholderType(sh)
	return sh.Name == "sp" && (t == "title" || t == "ctrTitle")
}

// isBodyPlaceholder reports whether a shape's paragraphs are bulleted by
// default (the master's body style), as body and content placeholders are.
func isBodyPlaceholder(sh *node) bool {
	t := placeholderType(sh)
	return t == "body" || t == "obj"
}

// textBody writes the paragraphs of a text body, as list items where a
// bullet applies; inherited is the list style from the layout (or nil).
func (c *pptx) textBody(body, inherited *node, bulletDefault bool) {
	if body == nil {
		return
	}
	c.bodies++
	listKey := "body" + itoa(c.bodies) // a fresh list per text body
	counters := make([]int, 9)
	for _, p := range body.Children {
		if p.Name != "p" {
			continue
		}
		text := strings.TrimSpace(c.linkedParagraph(p))
		if text == "" {
			continue
		}
		lvl := min(max(atoiOr(p.path("pPr").attr("lvl"), 0), 0), 8)
		kind := bulletKind(lvl, bulletDefault, p.child("pPr"), body.child("lstStyle"), inherited)
		if kind == "" {
			c.out.block(text)
			counters = make([]int, 9)
			continue
		}
		counters[lvl]++
		for i := lvl + 1; i < len(counters); i++ {
			counters[i] = 0
		}
		marker := "-"
		if kind == "num" {
			marker = itoa(counters[lvl]) + "."
		}
		c.out.item(listKey, strings.Repeat("    ", lvl)+marker+" "+strings.Join(strings.Fields(text), " "))
	}
}

// bulletKind is "bullet", "num" or "" for a paragraph: its own properties
// first, then the list styles (the shape's, then the inherited one) for
// its level, then the default.
func bulletKind(lvl int, def bool, pPr *node, lstStyles ...*node) string {
	levels := []*node{pPr}
	for _, ls := range lstStyles {
		levels = append(levels, ls.child("lvl"+itoa(lvl+1)+"pPr"))
	}
	for _, props := range levels {
		switch {
		case props == nil:
		case props.child("buNone") != nil:
			return ""
		case props.child("buAutoNum") != nil:
			return "num"
		case props.child("buChar") != nil || props.child("buBlip") != nil:
			return "bullet"
		}
	}
	if def {
		return "bullet"
	}
	return ""
}

// linkedParagraph is drawingParagraph with runs that carry an external
// hyperlink (a:hlinkClick) written as Markdown links.
func (c *pptx) linkedParagraph(p *node) string {
	var b strings.Builder
	for _, r := range p.Children {
		t := r.child("t")
		switch {
		case r.Name == "br":
			b.WriteString("\n")
		case t == nil || (r.Name != "r" && r.Name != "fld"):
		default:
			link, ok := c.rels[r.path("rPr", "hlinkClick").attr("r:id")]
			if text := strings.TrimSpace(t.Text); ok && link.External && text != "" && !strings.ContainsAny(link.Target, " \n") {
				b.WriteString(t.Text[:strings.Index(t.Text, text)] + "[" + text + "](" + link.Target + ")")
				b.WriteString(t.Text[strings.Index(t.Text, text)+len(text):])
				continue
			}
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// drawingParagraph returns the text of one a:p.
func drawingParagraph(p *node) string {
	var b strings.Builder
	for _, r := range p.Children {
		switch r.Name {
		case "r", "fld":
			if t := r.child("t"); t != nil {
				b.WriteString(t.Text)
			}
		case "br":
			b.WriteString("\n")
		}
	}
	return b.String()
}

// paragraphsText joins the paragraphs of a text body with sep.
func paragraphsText(body *node, sep string) string {
	if body == nil {
		return ""
	}
	var parts []string
	for _, p := range body.Children {
		if p.Name == "p" {
			if t := strings.TrimSpace(drawingParagraph(p)); t != "" {
				parts = append(parts, t)
			}
		}
	}
	return strings.Join(parts, sep)
}

// shapeText is the whole text of a shape on one line (for titles).
func shapeText(sh *node) string {
	return strings.Join(strings.Fields(paragraphsText(sh.child("txBody"), " ")), " ")
}

// drawingTable lays out an a:tbl. Cells covered by a merge (hMerge, vMerge)
// repeat the text of the cell that covers them.
func drawingTable(tbl *node) [][]string {
	var rows [][]string
	for _, tr := range tbl.Children {
		if tr.Name != "tr" {
			continue
		}
		var row []string
		for _, tc := range tr.Children {
			if tc.Name != "tc" || len(row) >= maxTableCols {
				continue
			}
			text := format.TableCell(paragraphsText(tc.child("txBody"), " "))
			col := len(row)
			switch {
			case boolAttr(tc, "hMerge") && col > 0:
				text = row[col-1]
			case boolAttr(tc, "vMerge") && len(rows) > 0 && col < len(rows[len(rows)-1]):
				text = rows[len(rows)-1][col]
			}
			row = append(row, text)
		}
		rows = append(rows, row)
	}
	return rows
}

// boolAttr reports whether a boolean attribute is present and true.
func boolAttr(n *node, name string) bool {
	switch n.attr(name) {
	case "1", "true", "on":
		return true
	}
	return false
}
