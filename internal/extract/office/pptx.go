package office

import (
	"context"
	"strconv"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// pptx converts one PresentationML package.
type pptx struct {
	ctx    context.Context
	p      *pkg
	out    mdWriter
	rowTol int64                             // shapes whose tops differ less share a row
	rels   map[string]rel                    // relationships of the slide being converted
	bodies int                               // text bodies written, to tell lists apart
	places map[string]map[string]placeholder // layout/master part → its placeholders
	// derived counts the characters of text held outside the slide's own
	// runs (chart data, SmartArt data) that the slide written so far showed.
	derived int
	// declared is the structure the slides declare (titles, tables).
	declared format.Structure
}

// convertPPTX converts a .pptx package: one section per slide in
// presentation order, the title placeholder as a heading, then the other
// shapes top to bottom, then the speaker notes.
func convertPPTX(ctx context.Context, p *pkg, opts format.Options) (format.Output, error) {
	main, err := p.mainPart("ppt/presentation.xml")
	if err != nil {
		return format.Output{}, err
	}
	pres, err := readXMLPart(p, main)
	if err != nil {
		return format.Output{}, err
	}
	rs, err := p.rels(main)
	if err != nil {
		return format.Output{}, err
	}
	c := &pptx{ctx: ctx, p: p, places: map[string]map[string]placeholder{}, rowTol: 6858000 / 20}
	if h, err := strconv.ParseInt(pres.path("presentation", "sldSz").attr("cy"), 10, 64); err == nil && h > 0 {
		c.rowTol = h / 20 // a twentieth of the slide height
	}
	res := format.Output{Method: "ooxml"}
	targets := slideTargets(pres, rs)
	var starts []int
	for i, target := range targets {
		if err := ctx.Err(); err != nil {
			return format.Output{}, err
		}
		if i >= opts.MaxPages {
			res.Warnings = append(res.Warnings, wrapf("only the first %d slides were converted", opts.MaxPages))
			break
		}
		starts = append(starts, c.out.b.Len())
		chars, err := c.slide(i+1, target)
		if err != nil {
			return format.Output{}, err
		}
		res.PageCount++
		res.Pages = append(res.Pages, format.Page{Number: i + 1, Chars: chars})
		opts.Report(i+1, min(len(targets), opts.MaxPages))
	}
	md, mapped := format.TidyMapped(c.out.String(), starts)
	res.Markdown, res.Declared = md, &c.declared
	format.PageStarts(res.Pages, mapped)
	return res, nil
}

// slideTargets lists slide parts in sldIdLst order; without a usable list,
// the slide relationships in ID order.
func slideTargets(pres *node, rs map[string]rel) []string {
	var out []string
	for _, id := range pres.path("presentation", "sldIdLst").all("sldId") {
		if r, ok := rs[id.attr("r:id")]; ok && !r.External {
			out = append(out, r.Target)
		}
	}
	if len(out) == 0 {
		for _, r := range relsOfType(rs, "slide") {
			out = append(out, r.Target)
		}
	}
	return out
}

// slide writes one slide and returns how many characters its text runs
// (shapes, tables, speaker notes) and its charts' and diagrams' data hold.
func (c *pptx) slide(n int, part string) (int, error) {
	root, err := readXMLPart(c.p, part)
	if err != nil || root == nil {
		return 0, err
	}
	rs, err := c.p.rels(part)
	if err != nil {
		return 0, err
	}
	chars := runChars(root)
	c.derived = 0
	c.rels = rs
	layout := c.inherited(rs)
	tree := root.path("sld", "cSld", "spTree")
	c.out.block("<!-- slide " + itoa(n) + " -->")
	shapes := orderShapes(tree, layout, c.rowTol)
	countSlide(shapes, tree, &c.declared)
	for _, sh := range shapes {
		if isTitle(sh) {
			if t := shapeText(sh); t != "" {
				c.out.block(format.Heading(1, t))
			}
		}
	}
	for _, sh := range shapes {
		if !isTitle(sh) {
			c.shape(sh, layout)
		}
	}
	notes, err := c.notes(rs)
	return chars + c.derived + notes, err
}

// runChars counts the characters (not white space) in the text runs
// (DrawingML a:t, WordprocessingML w:t) under n: what the source holds,
// for the conversion score.
func runChars(n *node) int {
	total := 0
	for _, t := range n.all("t") {
		total += format.TextChars(t.Text)
	}
	return total
}

// shape writes one shape of the tree: text, table, picture or group.
func (c *pptx) shape(sh *node, layout map[string]placeholder) {
	switch sh.Name {
	case "sp", "cxnSp":
		if isFurniture(sh) {
			return
		}
		ph, _ := inheritedFor(sh, layout)
		c.textBody(sh.child("txBody"), ph.lstStyle, isBodyPlaceholder(sh))
	case "grpSp":
		for _, child := range orderShapes(sh, layout, c.rowTol) {
			c.shape(child, layout)
		}
	case "pic":
		c.out.block("<!-- image -->")
	case "graphicFrame":
		data := sh.path("graphic", "graphicData")
		if tbl := data.child("tbl"); tbl != nil {
			c.out.block(format.Table(drawingTable(tbl)))
		} else if r, ok := c.rels[data.child("chart").attr("r:id")]; ok && !r.External {
			md := chartMarkdown(c.p, r.Target)
			c.derived += format.TextChars(strings.ReplaceAll(md, "<!-- image -->", ""))
			c.out.block(md)
		} else if r, ok := c.rels[data.child("relIds").attr("r:dm")]; ok && !r.External {
			c.diagram(r.Target)
		} else if data != nil {
			c.out.block("<!-- image -->") // chart, diagram or OLE object
		}
	}
}

// diagram writes the text of a SmartArt diagram's data model, one item per
// node, or a placeholder when it has none.
func (c *pptx) diagram(part string) {
	root, err := readXMLPart(c.p, part)
	if err != nil || root == nil {
		c.out.block("<!-- image -->")
		return
	}
	c.bodies++
	key, n := "diagram"+itoa(c.bodies), 0
	for _, pt := range root.all("pt") {
		if t := strings.Join(strings.Fields(paragraphsText(pt.child("t"), " ")), " "); t != "" {
			c.derived += format.TextChars(t)
			c.out.item(key, "- "+t)
			n++
		}
	}
	if n == 0 {
		c.out.block("<!-- image -->")
	}
}

// notes writes the speaker notes of a slide under a "Notes" heading and
// returns the characters of their text runs.
func (c *pptx) notes(rs map[string]rel) (int, error) {
	chars := 0
	for _, r := range relsOfType(rs, "notesSlide") {
		root, err := readXMLPart(c.p, r.Target)
		if err != nil || root == nil {
			return chars, err
		}
		var text []string
		for _, sh := range root.all("sp") {
			if ph := sh.path("nvSpPr", "nvPr", "ph"); ph != nil && ph.attr("type") == "body" {
				chars += runChars(sh)
				if t := strings.TrimSpace(paragraphsText(sh.child("txBody"), "\n\n")); t != "" {
					text = append(text, t)
				}
			}
		}
		if len(text) > 0 {
			c.out.block(format.Heading(2, "Notes"))
			c.out.block(strings.Join(text, "\n\n"))
		}
	}
	return chars, nil
}
