package office

import (
	"regexp"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// This file counts the structure a document declares in its own markup,
// apart from the conversion, so the conversion score can check that the
// Markdown shows it. The counts err low (a heading style with a localised
// id, a list numbered through its style, is not counted): a conversion
// that finds more than declared is not marked down.

// headingStyleRE matches the built-in heading and title style ids.
var headingStyleRE = regexp.MustCompile(`^(?i:heading\s?[1-9]|title)$`)

// declaredDOCX counts the headings (heading or title style, or an outline
// level), numbered paragraphs and tables of a body. Paragraphs inside
// tables are table text, not counted.
func declaredDOCX(body *node) *format.Structure {
	s := &format.Structure{}
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.Children {
			switch c.Name {
			case "tbl":
				s.Tables++
			case "p":
				countParagraph(c, s)
				walk(c) // text boxes anchored in the paragraph
			default:
				walk(c)
			}
		}
	}
	walk(body)
	return s
}

// countParagraph counts one paragraph with text as a heading or list item.
func countParagraph(p *node, s *format.Structure) {
	if !hasRunText(p) {
		return
	}
	ppr := p.child("pPr")
	if lvl := ppr.child("outlineLvl"); (lvl != nil && atoiOr(lvl.attr("val"), 9) <= 8) ||
		headingStyleRE.MatchString(ppr.child("pStyle").attr("val")) {
		s.Headings++
		return
	}
	if id := ppr.path("numPr", "numId").attr("val"); id != "" && id != "0" {
		s.ListItems++
	}
}

// hasRunText reports whether a paragraph's own runs hold text.
func hasRunText(p *node) bool {
	for _, r := range p.Children {
		if r.Name != "r" && r.Name != "hyperlink" {
			continue
		}
		for _, t := range r.all("t") {
			if strings.TrimSpace(t.Text) != "" {
				return true
			}
		}
	}
	return false
}

// countSlide adds a slide's titles with text and its tables to s.
func countSlide(shapes []*node, tree *node, s *format.Structure) {
	for _, sh := range shapes {
		if isTitle(sh) && shapeText(sh) != "" {
			s.Headings++
		}
	}
	s.Tables += len(tree.all("tbl"))
}
