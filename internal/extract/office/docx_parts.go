package office

import (
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// This file holds the DOCX content that lives outside the body's runs:
// charts and SmartArt behind a drawing, checkboxes, footnotes and
// endnotes, headers and footers.

// mdNode wraps ready Markdown found in a paragraph (a chart, a SmartArt
// diagram) so that paragraph() writes it as a block after the paragraph.
func mdNode(md string) *node { return &node{Name: "markdown", Text: md} }

// graphics returns the charts and SmartArt diagrams of a drawing as
// Markdown nodes, in document order.
func (d *docx) graphics(n *node) []*node {
	var out []*node
	for _, g := range n.all("graphicData") {
		for _, c := range g.Children {
			switch c.Name {
			case "chart":
				if r, ok := d.rels[c.attr("r:id")]; ok && !r.External && d.p != nil {
					md := chartMarkdown(d.p, r.Target)
					d.derived += format.TextChars(strings.ReplaceAll(md, "<!-- image -->", ""))
					out = append(out, mdNode(md))
				}
			case "relIds":
				if r, ok := d.rels[c.attr("r:dm")]; ok && !r.External && d.p != nil {
					if md, chars := diagramMarkdown(d.p, r.Target); md != "" {
						d.derived += chars
						out = append(out, mdNode(md))
					}
				}
			}
		}
	}
	return out
}

// maxDiagramDepth bounds the nesting of a SmartArt outline.
const maxDiagramDepth = 8

// diagramMarkdown renders a SmartArt data part (dgm:dataModel) as a nested
// list: each content point is an item, indented by its depth in the
// parent-of connections, in the diagram's order. chars counts the
// characters of the items' text.
func diagramMarkdown(p *pkg, part string) (md string, chars int) {
	root, err := readXMLPart(p, part)
	if err != nil || root == nil {
		return "", 0
	}
	parent := map[string]string{}
	for _, c := range root.all("cxn") {
		if t := c.attr("type"); t == "" || t == "parOf" {
			parent[c.attr("destId")] = c.attr("srcId")
		}
	}
	var lines []string
	for _, pt := range root.all("pt") {
		switch pt.attr("type") {
		case "", "node", "asst":
		default:
			continue
		}
		text := strings.Join(strings.Fields(textOf(pt.child("t"))), " ")
		if text == "" {
			continue
		}
		depth := 0
		for id := parent[pt.attr("modelId")]; id != "" && depth < maxDiagramDepth; id = parent[id] {
			depth++
		}
		lines = append(lines, strings.Repeat("    ", max(depth-1, 0))+"- "+text)
		chars += format.TextChars(text)
	}
	return strings.Join(lines, "\n"), chars
}

// Checkbox glyphs.
const (
	boxChecked   = "☒"
	boxUnchecked = "☐"
)

// checkboxControl returns the glyph of a checkbox content control
// (w14:checkbox in w:sdtPr), or "" when sdt is another kind of control.
func checkboxControl(sdt *node) string {
	cb := sdt.path("sdtPr", "checkbox")
	if cb == nil {
		return ""
	}
	if onOff(cb.child("checked")) {
		return boxChecked
	}
	return boxUnchecked
}

// formCheckbox returns the glyph of a legacy form checkbox (FORMCHECKBOX
// field, w:ffData/w:checkBox on the field's begin character), "" otherwise.
func formCheckbox(fldChar *node) string {
	cb := fldChar.path("ffData", "checkBox")
	if cb == nil {
		return ""
	}
	if c := cb.child("checked"); c != nil {
		if onOff(c) {
			return boxChecked
		}
		return boxUnchecked
	}
	if onOff(cb.child("default")) && cb.child("default").attr("val") != "0" {
		return boxChecked
	}
	return boxUnchecked
}

// symbolCheckbox maps the Wingdings checkbox symbols Word inserts (w:sym)
// to glyphs; "" for other symbols.
func symbolCheckbox(sym *node) string {
	switch strings.ToUpper(strings.TrimPrefix(sym.attr("char"), "0x")) {
	case "F0FE", "F078", "F0FD", "F0FB":
		return boxChecked
	case "F06F", "F0A8", "F071":
		return boxUnchecked
	}
	return ""
}

// notes holds the footnotes and endnotes of a document: their text by
// kind and id, and the order in which the body referenced them.
type notes struct {
	text  map[string]string // "footnote:2" → text
	order []string          // keys in reference order
	num   map[string]int    // key → the number shown in the Markdown
}

// loadNotes reads footnotes.xml and endnotes.xml. Each note's paragraphs
// become one line of text.
func (d *docx) loadNotes() error {
	d.notes = notes{text: map[string]string{}, num: map[string]int{}}
	for _, kind := range []string{"footnote", "endnote"} {
		for _, r := range relsOfType(d.rels, kind+"s") {
			root, err := readXMLPart(d.p, r.Target)
			if err != nil {
				return err
			}
			for _, n := range root.all(kind) {
				if t := n.attr("type"); t != "" && t != "normal" {
					continue // separators
				}
				d.notes.text[kind+":"+n.attr("id")] = d.inlineText(n)
			}
		}
	}
	return nil
}

// noteRef records a reference to a note and returns its Markdown marker.
func (d *docx) noteRef(kind, id string) string {
	key := kind + ":" + id
	if _, ok := d.notes.text[key]; !ok {
		return ""
	}
	n, ok := d.notes.num[key]
	if !ok {
		n = len(d.notes.order) + 1
		d.notes.num[key] = n
		d.notes.order = append(d.notes.order, key)
	}
	return "[^" + itoa(n) + "]"
}

// writeNotes appends the referenced notes as Markdown footnote definitions.
func (d *docx) writeNotes() {
	for _, key := range d.notes.order {
		d.derived += format.TextChars(d.notes.text[key])
		d.out.block("[^" + itoa(d.notes.num[key]) + "]: " + d.notes.text[key])
	}
}

// inlineText flattens the paragraphs (and tables) under n to one line.
func (d *docx) inlineText(n *node) string {
	var parts []string
	for _, p := range n.all("p") {
		var spans []span
		var extra []*node
		d.collect(p, &spans, &extra)
		parts = append(parts, renderSpans(spans, true))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// headerFooter returns the distinct texts of the document's headers or
// footers (kind "header" or "footer"), in relationship order. Parts that
// hold only a page number field or nothing are left out.
func (d *docx) headerFooter(kind string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range relsOfType(d.rels, kind) {
		root, err := readXMLPart(d.p, r.Target)
		if err != nil || root == nil {
			continue
		}
		text := d.inlineText(root)
		if text == "" || seen[text] || onlyDigits(text) {
			continue
		}
		seen[text] = true
		out = append(out, text)
	}
	return out
}

func onlyDigits(s string) bool {
	return strings.Trim(s, "0123456789 -–/.") == ""
}
