package office

import (
	"strconv"
	"strings"
)

// wordStyle is the part of a paragraph style that matters for Markdown.
type wordStyle struct {
	name    string
	basedOn string
	outline int    // w:outlineLvl, -1 when unset
	numID   string // w:numPr/w:numId, "" when unset
	ilvl    int    // w:numPr/w:ilvl, -1 when unset
}

// wordStyles resolves heading levels and list membership of paragraph styles.
type wordStyles map[string]wordStyle

// parseStyles reads styles.xml (may be nil).
func parseStyles(root *node) wordStyles {
	out := wordStyles{}
	if root == nil {
		return out
	}
	for _, s := range root.all("style") {
		st := wordStyle{
			name:    strings.ToLower(s.child("name").attr("val")),
			basedOn: s.child("basedOn").attr("val"),
			outline: atoiOr(s.path("pPr", "outlineLvl").attr("val"), -1),
			ilvl:    -1,
		}
		if np := s.path("pPr", "numPr"); np != nil {
			st.numID = np.child("numId").attr("val")
			st.ilvl = atoiOr(np.child("ilvl").attr("val"), -1)
		}
		out[s.attr("styleId")] = st
	}
	return out
}

// headingLevel returns the Markdown heading level of a paragraph style, or
// 0 for body text. Title is level 1 and "heading N" is level N+1, so that a
// document's title sits above its chapters; an outline level L (0-based)
// counts as "heading L+1". The basedOn chain is followed.
func (ws wordStyles) headingLevel(id string) int {
	for range 16 { // basedOn chains are short; the bound stops cycles
		st, ok := ws[id]
		if !ok {
			return headingFromName(strings.ToLower(id), -1)
		}
		if lvl := headingFromName(st.name, st.outline); lvl > 0 {
			return lvl
		}
		if st.basedOn == "" || st.basedOn == id {
			return 0
		}
		id = st.basedOn
	}
	return 0
}

func headingFromName(name string, outline int) int {
	name = strings.ReplaceAll(name, " ", "")
	switch {
	case name == "title":
		return 1
	case strings.HasPrefix(name, "heading"):
		if n, err := strconv.Atoi(name[len("heading"):]); err == nil && n >= 1 && n <= 9 {
			return min(n+1, 6)
		}
	}
	if outline >= 0 && outline <= 8 {
		return min(outline+2, 6)
	}
	return 0
}

// numbering returns the list numbering inherited from a style: numID and
// level (-1 when unset).
func (ws wordStyles) numbering(id string) (string, int) {
	ilvl := -1
	for range 16 {
		st, ok := ws[id]
		if !ok {
			return "", ilvl
		}
		if ilvl < 0 {
			ilvl = st.ilvl
		}
		if st.numID != "" {
			return st.numID, ilvl
		}
		if st.basedOn == "" || st.basedOn == id {
			return "", ilvl
		}
		id = st.basedOn
	}
	return "", ilvl
}

// wordNumbering tells whether a list level is bulleted or ordered.
type wordNumbering struct {
	numToAbstract map[string]string
	overrides     map[string]map[int]string // numId → ilvl → numFmt
	formats       map[string]map[int]string // abstractNumId → ilvl → numFmt
}

// parseNumbering reads numbering.xml (may be nil).
func parseNumbering(root *node) wordNumbering {
	n := wordNumbering{
		numToAbstract: map[string]string{},
		overrides:     map[string]map[int]string{},
		formats:       map[string]map[int]string{},
	}
	if root == nil {
		return n
	}
	for _, a := range root.all("abstractNum") {
		n.formats[a.attr("abstractNumId")] = levelFormats(a)
	}
	for _, num := range root.all("num") {
		id := num.attr("numId")
		n.numToAbstract[id] = num.child("abstractNumId").attr("val")
		ov := map[int]string{}
		for _, o := range num.Children {
			if o.Name == "lvlOverride" {
				if lvl := o.child("lvl"); lvl != nil && lvl.child("numFmt") != nil {
					ov[atoiOr(o.attr("ilvl"), 0)] = lvl.child("numFmt").attr("val")
				}
			}
		}
		n.overrides[id] = ov
	}
	return n
}

func levelFormats(a *node) map[int]string {
	m := map[int]string{}
	for _, lvl := range a.Children {
		if lvl.Name == "lvl" {
			m[atoiOr(lvl.attr("ilvl"), 0)] = lvl.child("numFmt").attr("val")
		}
	}
	return m
}

// ordered reports whether level ilvl of list numID is numbered (not bulleted).
func (n wordNumbering) ordered(numID string, ilvl int) bool {
	f, ok := n.overrides[numID][ilvl]
	if !ok {
		f = n.formats[n.numToAbstract[numID]][ilvl]
	}
	switch f {
	case "", "bullet", "none":
		return false
	}
	return true
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}
