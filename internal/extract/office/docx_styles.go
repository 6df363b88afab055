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

// numLevel is one level of a list definition.
type numLevel struct {
	format string // w:numFmt: bullet, decimal, lowerLetter, upperRoman, …
	text   string // w:lvlText, e.g. "%1." or "%1.%2."
	start  int
}

// wordNumbering holds the list definitions of numbering.xml.
type wordNumbering struct {
	numToAbstract map[string]string
	overrides     map[string]map[int]numLevel // numId → ilvl → level
	levels        map[string]map[int]numLevel // abstractNumId → ilvl → level
}

// parseNumbering reads numbering.xml (may be nil).
func parseNumbering(root *node) wordNumbering {
	n := wordNumbering{
		numToAbstract: map[string]string{},
		overrides:     map[string]map[int]numLevel{},
		levels:        map[string]map[int]numLevel{},
	}
	if root == nil {
		return n
	}
	for _, a := range root.all("abstractNum") {
		m := map[int]numLevel{}
		for _, lvl := range a.Children {
			if lvl.Name == "lvl" {
				m[atoiOr(lvl.attr("ilvl"), 0)] = parseLevel(lvl)
			}
		}
		n.levels[a.attr("abstractNumId")] = m
	}
	for _, num := range root.all("num") {
		id := num.attr("numId")
		n.numToAbstract[id] = num.child("abstractNumId").attr("val")
		ov := map[int]numLevel{}
		for _, o := range num.Children {
			if o.Name == "lvlOverride" {
				if lvl := o.child("lvl"); lvl != nil && lvl.child("numFmt") != nil {
					ov[atoiOr(o.attr("ilvl"), 0)] = parseLevel(lvl)
				}
			}
		}
		n.overrides[id] = ov
	}
	return n
}

func parseLevel(lvl *node) numLevel {
	return numLevel{
		format: lvl.child("numFmt").attr("val"),
		text:   lvl.child("lvlText").attr("val"),
		start:  atoiOr(lvl.child("start").attr("val"), 1),
	}
}

// level returns the definition of level ilvl of list numID.
func (n wordNumbering) level(numID string, ilvl int) numLevel {
	if l, ok := n.overrides[numID][ilvl]; ok {
		return l
	}
	if l, ok := n.levels[n.numToAbstract[numID]][ilvl]; ok {
		return l
	}
	return numLevel{format: "bullet", start: 1}
}

// ordered reports whether a level is numbered (not bulleted).
func (l numLevel) ordered() bool {
	switch l.format {
	case "", "bullet", "none":
		return false
	}
	return true
}

// label renders the level's lvlText for the current counters ("1.2.");
// counts[i] is the item number at level i.
func (n wordNumbering) label(numID string, ilvl int, counts []int) string {
	text := n.level(numID, ilvl).text
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '%' && i+1 < len(text) && text[i+1] >= '1' && text[i+1] <= '9' {
			lv := int(text[i+1] - '1')
			if lv < len(counts) {
				b.WriteString(formatCount(n.level(numID, lv).format, counts[lv]))
			}
			i++
			continue
		}
		b.WriteByte(text[i])
	}
	return strings.TrimSpace(b.String())
}

// formatCount writes an item number in a list number format.
func formatCount(f string, c int) string {
	switch f {
	case "lowerLetter", "upperLetter":
		s := string(rune('a' + (max(c, 1)-1)%26))
		if f == "upperLetter" {
			s = strings.ToUpper(s)
		}
		return s
	case "lowerRoman", "upperRoman":
		s := roman(c)
		if f == "lowerRoman" {
			s = strings.ToLower(s)
		}
		return s
	}
	return strconv.Itoa(c)
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}
