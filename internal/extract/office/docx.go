package office

import (
	"context"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// docx converts one WordprocessingML document.
type docx struct {
	ctx       context.Context
	styles    wordStyles
	numbering wordNumbering
	rels      map[string]rel
	out       mdWriter
	counters  map[string][]int // numId → item count per level
	p         *pkg
	notes     notes
	// derived counts the characters of text written from outside the
	// body's runs (headers, footers, notes, chart and SmartArt data).
	derived int
}

// convertDOCX converts a .docx package.
func convertDOCX(ctx context.Context, p *pkg) (format.Output, error) {
	main, err := p.mainPart("word/document.xml")
	if err != nil {
		return format.Output{}, err
	}
	root, err := readXMLPart(p, main)
	if err != nil {
		return format.Output{}, err
	}
	d := &docx{ctx: ctx, counters: map[string][]int{}, p: p}
	if d.rels, err = p.rels(main); err != nil {
		return format.Output{}, err
	}
	if err := d.loadNotes(); err != nil {
		return format.Output{}, err
	}
	if d.styles, err = optionalPart(p, d.rels, "styles", parseStyles); err != nil {
		return format.Output{}, err
	}
	if d.numbering, err = optionalPart(p, d.rels, "numbering", parseNumbering); err != nil {
		return format.Output{}, err
	}
	body := root.path("document", "body")
	if body == nil {
		return format.Output{}, format.Errorf(format.CodeCorrupt, "word document has no body")
	}
	for _, h := range d.headerFooter("header") {
		d.derived += format.TextChars(h)
		d.out.block(h)
	}
	if err := d.blocks(body); err != nil {
		return format.Output{}, err
	}
	for _, f := range d.headerFooter("footer") {
		d.derived += format.TextChars(f)
		d.out.block(f)
	}
	d.writeNotes()
	return format.Output{Markdown: format.Tidy(d.out.String()), Method: "ooxml", PageCount: docPages(p),
		SourceChars: runChars(body) + d.derived, Declared: declaredDOCX(body)}, nil
}

// docPages reads the page count Word saved in docProps/app.xml (0 when absent).
func docPages(p *pkg) int {
	root, err := readXMLPart(p, "docProps/app.xml")
	n := root.path("Properties", "Pages") // nil-safe; LibreOffice writes no Pages
	if err != nil || n == nil {
		return 0
	}
	return max(atoiOr(n.Text, 0), 0)
}

// optionalPart parses the part behind the first relationship of type typ
// with parse; a missing part gives parse(nil).
func optionalPart[T any](p *pkg, rs map[string]rel, typ string, parse func(*node) T) (T, error) {
	for _, r := range relsOfType(rs, typ) {
		root, err := readXMLPart(p, r.Target)
		if err != nil {
			var zero T
			return zero, err
		}
		if root != nil {
			return parse(root), nil
		}
	}
	return parse(nil), nil
}

// readXMLPart reads and parses a member; a missing member gives (nil, nil).
func readXMLPart(p *pkg, name string) (*node, error) {
	data, err := p.read(name)
	if err != nil || data == nil {
		return nil, err
	}
	return parseXML(p.ctx, data)
}

// blocks converts the block-level content of a body, cell or text box.
func (d *docx) blocks(parent *node) error {
	for _, c := range parent.Children {
		if err := d.ctx.Err(); err != nil {
			return err
		}
		switch c.Name {
		case "p":
			d.paragraph(c)
		case "tbl":
			d.out.block(format.Table(d.table(c)))
		case "sdt":
			if box := checkboxControl(c); box != "" {
				d.out.block(box)
				continue
			}
			if err := d.blocks(c.child("sdtContent")); err != nil {
				return err
			}
		case "customXml", "ins", "smartTag":
			if err := d.blocks(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// paragraph writes one w:p as a heading, list item or plain paragraph,
// followed by the content of any text boxes anchored in it.
func (d *docx) paragraph(p *node) {
	var boxes []*node
	var spans []span
	d.collect(p, &spans, &boxes)
	styleID := p.path("pPr", "pStyle").attr("val")
	level := d.headingLevel(p, styleID)
	text := strings.TrimSpace(renderSpans(spans, level == 0))
	switch {
	case text == "":
	case level > 0:
		d.out.block(format.Heading(level, d.headingNumber(p, styleID)+text))
	default:
		if numID, ilvl := d.listOf(p, styleID); numID != "" {
			d.listItem(numID, ilvl, text)
		} else {
			d.out.block(text)
		}
	}
	for _, box := range boxes {
		switch {
		case box == imageNode:
			d.out.block("<!-- image -->")
			continue
		case box.Name == "markdown":
			d.out.block(box.Text)
			continue
		}
		_ = d.blocks(box) // a ctx error surfaces at the next block
	}
}

// headingLevel is the heading level from the paragraph's own outline level or its style.
func (d *docx) headingLevel(p *node, styleID string) int {
	if ol := p.path("pPr", "outlineLvl"); ol != nil {
		if lvl := atoiOr(ol.attr("val"), 9); lvl <= 8 {
			return min(lvl+2, 6)
		}
	}
	return d.styles.headingLevel(styleID)
}

// listOf returns the list (numId) and level of a paragraph, "" when it is none.
func (d *docx) listOf(p *node, styleID string) (string, int) {
	numID, ilvl := d.styles.numbering(styleID)
	if np := p.path("pPr", "numPr"); np != nil {
		if id := np.child("numId"); id != nil {
			numID = id.attr("val")
		}
		if l := np.child("ilvl"); l != nil {
			ilvl = atoiOr(l.attr("val"), 0)
		}
	}
	if numID == "" || numID == "0" {
		return "", 0
	}
	return numID, min(max(ilvl, 0), 8)
}

// listItem writes a list item with a marker and indentation for its level.
// A plain "%1." decimal level becomes a Markdown ordered item; other
// numbered levels ("1.2.", "(a)", "iv.") keep their label after a bullet,
// since Markdown cannot number them so.
func (d *docx) listItem(numID string, ilvl int, text string) {
	cnt := d.advance(numID, ilvl)
	marker := "-"
	if lvl := d.numbering.level(numID, ilvl); lvl.ordered() {
		marker = itoa(cnt[ilvl]) + "."
		plain := lvl.format == "decimal" && (lvl.text == "" || lvl.text == "%"+itoa(ilvl+1)+".")
		if label := d.numbering.label(numID, ilvl, cnt); !plain && label != "" {
			marker = "- " + label
		}
	}
	text = strings.Join(strings.Fields(text), " ")
	d.out.item(numID, strings.Repeat("    ", ilvl)+marker+" "+text)
}

// advance counts one more item at level ilvl of list numID and returns
// the counters of every level down to ilvl.
func (d *docx) advance(numID string, ilvl int) []int {
	cnt := d.counters[numID]
	for len(cnt) < ilvl+1 {
		cnt = append(cnt, d.numbering.level(numID, len(cnt)).start-1)
	}
	cnt[ilvl]++
	cnt = cnt[:ilvl+1] // deeper levels restart
	d.counters[numID] = cnt
	return cnt
}

// headingNumber is the number a heading gets from its (outline) numbering,
// "1.2 " for a heading numbered "%1.%2", "" when it is not numbered.
func (d *docx) headingNumber(p *node, styleID string) string {
	numID, ilvl := d.listOf(p, styleID)
	if numID == "" || !d.numbering.level(numID, ilvl).ordered() {
		return ""
	}
	label := d.numbering.label(numID, ilvl, d.advance(numID, ilvl))
	if label == "" {
		return ""
	}
	return label + " "
}
