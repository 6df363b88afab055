package office

import (
	"strconv"
	"strings"
)

// span is a piece of paragraph text with its emphasis.
type span struct {
	text         string
	bold, italic bool
}

// imageNode stands for an image found in a paragraph; paragraph() writes a
// placeholder block for it.
var imageNode = &node{Name: "image"}

// collect walks the inline content of a paragraph (or of a container inside
// one). Text boxes and images found in runs are appended to extra (as
// w:txbxContent nodes or imageNode).
func (d *docx) collect(n *node, spans *[]span, extra *[]*node) {
	var fields fieldStack
	for _, c := range n.Children {
		switch c.Name {
		case "r":
			fields.observe(c, spans)
			d.run(c, spans, extra)
		case "hyperlink":
			d.hyperlink(c, spans, extra)
		case "ins", "smartTag", "customXml", "fldSimple", "bdo", "dir", "moveTo":
			d.collect(c, spans, extra)
		case "sdt":
			if box := checkboxControl(c); box != "" {
				*spans = append(*spans, span{text: box})
				continue
			}
			d.collect(c.child("sdtContent"), spans, extra)
		case "oMath":
			*spans = append(*spans, span{text: " $" + mathLatex(c) + "$ "})
		case "oMathPara":
			*spans = append(*spans, span{text: "\n\n$$" + mathLatex(c) + "$$\n\n"})
		}
	}
}

// fieldStack follows complex fields (w:fldChar begin/separate/end) across
// the runs of a paragraph, so that a HYPERLINK field's displayed text
// becomes a Markdown link like a w:hyperlink element does.
type fieldStack []field

type field struct {
	instr string
	start int // index in spans where the result begins, -1 before separate
}

// observe updates the fields for one run, before the run's text is added.
func (fs *fieldStack) observe(r *node, spans *[]span) {
	for _, c := range r.Children {
		switch {
		case c.Name == "instrText" && len(*fs) > 0:
			(*fs)[len(*fs)-1].instr += c.Text
		case c.Name != "fldChar":
		case c.attr("fldCharType") == "begin" && len(*fs) < 16:
			*fs = append(*fs, field{start: -1})
		case c.attr("fldCharType") == "separate" && len(*fs) > 0:
			(*fs)[len(*fs)-1].start = len(*spans)
		case c.attr("fldCharType") == "end" && len(*fs) > 0:
			f := (*fs)[len(*fs)-1]
			*fs = (*fs)[:len(*fs)-1]
			f.link(spans)
		}
	}
}

// link turns the result spans of a HYPERLINK field into one link span.
func (f field) link(spans *[]span) {
	parts := strings.Fields(f.instr)
	if len(parts) < 2 || parts[0] != "HYPERLINK" || f.start < 0 || f.start > len(*spans) {
		return
	}
	url := strings.Trim(parts[len(parts)-1], `"`)
	if strings.HasPrefix(parts[1], `\`) || !strings.Contains(url, ":") {
		return // a bookmark (\l) or relative target: keep the text only
	}
	text := strings.TrimSpace(renderSpans((*spans)[f.start:], false))
	if text == "" {
		return
	}
	*spans = append((*spans)[:f.start], span{text: "[" + text + "](" + url + ")"})
}

// run appends the text of one w:r.
func (d *docx) run(r *node, spans *[]span, extra *[]*node) {
	rp := r.child("rPr")
	s := span{bold: onOff(rp.child("b")), italic: onOff(rp.child("i"))}
	switch strings.ToLower(rp.child("rStyle").attr("val")) { // the built-in character styles
	case "strong":
		s.bold = true
	case "emphasis":
		s.italic = true
	}
	var b strings.Builder
	for _, c := range r.Children {
		switch c.Name {
		case "t":
			b.WriteString(c.Text)
		case "tab", "ptab":
			b.WriteString(" ")
		case "br", "cr":
			if c.attr("type") != "page" && c.attr("type") != "column" {
				b.WriteString("\n")
			}
		case "noBreakHyphen":
			b.WriteString("-")
		case "drawing", "pict", "object":
			d.drawing(c, extra)
		case "footnoteReference", "endnoteReference":
			b.WriteString(d.noteRef(strings.TrimSuffix(c.Name, "Reference"), c.attr("id")))
		case "fldChar":
			b.WriteString(formCheckbox(c))
		case "sym":
			b.WriteString(symbolCheckbox(c))
		}
	}
	s.text = b.String()
	*spans = append(*spans, s)
}

// drawing records the text boxes of a drawing, or an image placeholder when it has none.
func (d *docx) drawing(n *node, extra *[]*node) {
	boxes := append(outermost(n, "txbxContent"), d.graphics(n)...)
	if len(boxes) > 0 {
		*extra = append(*extra, boxes...)
		return
	}
	if len(n.all("blip")) > 0 || len(n.all("imagedata")) > 0 || n.Name == "drawing" {
		*extra = append(*extra, imageNode)
	}
}

// hyperlink renders a w:hyperlink as [text](url) when its target is external.
func (d *docx) hyperlink(h *node, spans *[]span, extra *[]*node) {
	var inner []span
	d.collect(h, &inner, extra)
	text := strings.TrimSpace(renderSpans(inner, false))
	target := ""
	if r, ok := d.rels[h.attr("r:id")]; ok && r.External {
		target = r.Target
	}
	if text == "" || target == "" || strings.ContainsAny(target, " \n") {
		*spans = append(*spans, inner...)
		return
	}
	*spans = append(*spans, span{text: "[" + text + "](" + target + ")"})
}

// onOff reads a toggle property such as w:b: present and not switched off.
func onOff(n *node) bool {
	if n == nil {
		return false
	}
	switch n.attr("val") {
	case "0", "false", "off", "none":
		return false
	}
	return true
}

// renderSpans joins spans, merging neighbours with the same emphasis and
// keeping spaces outside the markers so that the Markdown stays valid.
func renderSpans(spans []span, emphasis bool) string {
	var b strings.Builder
	for i := 0; i < len(spans); {
		j, text := i+1, spans[i].text
		for j < len(spans) && spans[j].bold == spans[i].bold && spans[j].italic == spans[i].italic {
			text += spans[j].text
			j++
		}
		mark := ""
		if emphasis && spans[i].bold {
			mark += "**"
		}
		if emphasis && spans[i].italic {
			mark += "*"
		}
		core := strings.TrimSpace(text)
		if mark == "" || core == "" || strings.Contains(core, "\n") {
			b.WriteString(text)
		} else {
			lead := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
			trail := text[len(strings.TrimRight(text, " \t")):]
			b.WriteString(lead + mark + core + reverse(mark) + trail)
		}
		i = j
	}
	return b.String()
}

func reverse(s string) string {
	r := []byte(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func itoa(n int) string { return strconv.Itoa(n) }

// outermost returns the descendants of n named name that are not inside
// another such descendant. Nested text boxes are reached when their outer
// box is converted; collecting them here too would repeat them (and
// explode with nesting depth).
func outermost(n *node, name string) []*node {
	var out []*node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		} else {
			out = append(out, outermost(c, name)...)
		}
	}
	return out
}
