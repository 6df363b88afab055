package export

import (
	"io"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

var mdParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// edit replaces md[at:at+del] with ins.
type edit struct {
	at, del int
	ins     string
}

// DemoteHeadings writes md to w with every heading one level lower (# → ##,
// a setext === becomes ---, a setext --- becomes ###), level 6 left as it
// is. Headings are found with goldmark, so a "#" line inside fenced or
// indented code, HTML or a paragraph is never touched; headings inside
// quotes and lists are.
func DemoteHeadings(w io.Writer, md string) error {
	doc := mdParser.Parse(text.NewReader([]byte(md)))
	var edits []edit
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			edits = append(edits, demote(md, h)...)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at < edits[j].at })
	last := 0
	for _, e := range edits {
		if e.at < last {
			continue // overlapping edits cannot come from distinct headings; be safe
		}
		if _, err := io.WriteString(w, md[last:e.at]+e.ins); err != nil {
			return err
		}
		last = e.at + e.del
	}
	_, err := io.WriteString(w, md[last:])
	return err
}

// demote returns the edits that lower one heading.
func demote(md string, h *ast.Heading) []edit {
	pos := h.Pos()
	if pos < 0 || pos >= len(md) || h.Level >= 6 {
		return nil
	}
	if md[pos] == '#' {
		return []edit{{at: pos, ins: "#"}}
	}
	lines := h.Lines()
	if lines.Len() == 0 {
		return nil
	}
	// A setext heading: its underline is the line after its text.
	under := lines.At(lines.Len() - 1).Stop
	if under > 0 && md[under-1] != '\n' {
		if nl := strings.IndexByte(md[under:], '\n'); nl >= 0 {
			under += nl + 1
		} else {
			return nil
		}
	}
	end := len(md)
	if nl := strings.IndexByte(md[under:], '\n'); nl >= 0 {
		end = under + nl
	}
	var edits []edit
	if h.Level == 1 { // === becomes ---
		for i := under; i < end; i++ {
			if md[i] == '=' {
				edits = append(edits, edit{at: i, del: 1, ins: "-"})
			}
		}
		return edits
	}
	// Level 2 becomes an ATX level 3: "### " before the text, its lines
	// joined, the underline removed.
	edits = append(edits, edit{at: lines.At(0).Start, ins: "### "})
	for i := 0; i+1 < lines.Len(); i++ {
		stop := strings.TrimRight(md[:lines.At(i).Stop], "\r\n")
		edits = append(edits, edit{at: len(stop), del: lines.At(i+1).Start - len(stop), ins: " "})
	}
	for i := under; i < end; i++ {
		if md[i] == '-' {
			edits = append(edits, edit{at: i, del: 1})
		}
	}
	return edits
}
