package pdf

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/tetratelabs/wazero/api"
)

// This file reads the document outline (bookmarks). When a PDF has one,
// it is strong evidence for headings: a paragraph on the bookmark's page
// whose text is the bookmark's title is a heading, at the level of the
// bookmark's depth, whatever its font.

// bookmark is one outline entry.
type bookmark struct {
	title string
	depth int // 0 for top-level entries
	page  int // 1-based page the entry points to; 0 when unknown
}

// Bounds on what is read of an outline (hostile files nest and loop).
const (
	maxBookmarks     = 5000
	maxBookmarkDepth = 16
	maxTitleBytes    = 1024
)

// readOutline walks the outline tree depth first.
func readOutline(r *raw, doc uint64) []bookmark {
	var out []bookmark
	seen := map[uint64]bool{}
	var walk func(parent uint64, depth int)
	walk = func(parent uint64, depth int) {
		if depth >= maxBookmarkDepth {
			return
		}
		bm := r.call("FPDFBookmark_GetFirstChild", doc, parent)
		for uint32(bm) != 0 && len(out) < maxBookmarks && !seen[bm] {
			seen[bm] = true
			if t := strings.Join(strings.Fields(r.bookmarkTitle(bm)), " "); t != "" {
				out = append(out, bookmark{title: t, depth: depth, page: r.bookmarkPage(doc, bm)})
			}
			walk(bm, depth+1)
			bm = r.call("FPDFBookmark_GetNextSibling", doc, bm)
		}
	}
	walk(0, 0)
	return out
}

// bookmarkTitle returns a bookmark's title (PDFium writes UTF-16LE).
func (r *raw) bookmarkTitle(bm uint64) string {
	buf := uint32(r.call("malloc", maxTitleBytes))
	if buf == 0 {
		return ""
	}
	defer r.call("free", uint64(buf))
	n := uint32(r.call("FPDFBookmark_GetTitle", bm, uint64(buf), maxTitleBytes))
	if n < 2 || n > maxTitleBytes {
		return ""
	}
	b, ok := r.mem.Read(buf, n-2) // without the terminating NUL
	if !ok {
		return ""
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(units))
}

// bookmarkPage returns the 1-based page a bookmark points to, through its
// destination or its go-to action; 0 when unknown.
func (r *raw) bookmarkPage(doc, bm uint64) int {
	dest := r.call("FPDFBookmark_GetDest", doc, bm)
	if uint32(dest) == 0 {
		if act := r.call("FPDFBookmark_GetAction", bm); uint32(act) != 0 {
			dest = r.call("FPDFAction_GetDest", doc, act)
		}
	}
	if uint32(dest) == 0 {
		return 0
	}
	i := int(api.DecodeI32(r.call("FPDFDest_GetDestPageIndex", doc, dest)))
	if i < 0 {
		return 0
	}
	return i + 1
}

// titleKey normalises text for matching a paragraph with a bookmark title:
// letters and digits only, lower case.
func titleKey(s string) string {
	var b strings.Builder
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

// markOutline makes the paragraphs that match a bookmark headings, at the
// bookmark's depth: depth 0 is level 1, or level 2 when the document has a
// title above its outline (a larger heading before the first match that
// the outline does not list). It returns how many blocks it marked.
func markOutline(blocks []block, marks []bookmark, body float64) int {
	if len(marks) == 0 {
		return 0
	}
	type key struct {
		text string
		page int
	}
	want := map[key]int{} // → depth
	for _, m := range marks {
		k := titleKey(m.title)
		if k == "" {
			continue
		}
		want[key{k, m.page}] = m.depth
		if _, ok := want[key{k, 0}]; !ok {
			want[key{k, 0}] = m.depth
		}
	}
	matched := map[int]int{} // block index → depth
	for i, b := range blocks {
		if (b.kind != kindPara && b.kind != kindList && b.kind != kindHeading) || b.toc || len(b.lines) > 3 {
			continue
		}
		t := joinLines(b.text)
		if b.kind == kindList {
			t = b.marker + " " + t
		}
		for _, k := range []string{titleKey(t), titleKey(stripSectionNumber(t))} {
			if d, ok := want[key{k, b.page}]; ok {
				matched[i] = d
				break
			} else if d, ok := want[key{k, 0}]; ok && marksLackPages(marks) {
				matched[i] = d
				break
			}
		}
	}
	if len(matched) == 0 {
		return 0
	}
	base := 1
	first := len(blocks)
	for i := range matched {
		first = min(first, i)
	}
	for i := 0; i < first; i++ {
		if isHeading(blocks[i], body) && blocks[i].size >= body*headingRatio {
			base = 2 // a title above the outline
			blocks[i].kind, blocks[i].level, blocks[i].outlined = kindHeading, 1, true
		}
	}
	for i, d := range matched {
		b := &blocks[i]
		if b.kind == kindList {
			b.text = []string{b.marker + " " + joinLines(b.text)}
		}
		b.kind = kindHeading
		b.level = min(base+d, 6)
		b.outlined = true
	}
	return len(matched)
}

// marksLackPages reports whether no bookmark knows its page.
func marksLackPages(marks []bookmark) bool {
	for _, m := range marks {
		if m.page != 0 {
			return false
		}
	}
	return true
}

// stripSectionNumber removes a leading section number ("1.2", "(3)",
// "IV.", "가.") and the space after it.
func stripSectionNumber(s string) string {
	if n := sectionNumber(s); n.text != "" {
		return strings.TrimSpace(s[len(n.text):])
	}
	return s
}

// splitOutlined takes the first line of a paragraph out of it when that
// line is a bookmark's title: a heading set like the body text is often
// joined to the paragraph under it.
func splitOutlined(blocks []block, marks []bookmark) []block {
	if len(marks) == 0 {
		return blocks
	}
	titles := map[string]bool{}
	for _, m := range marks {
		titles[titleKey(m.title)] = true
	}
	var out []block
	for _, b := range blocks {
		if b.kind == kindPara && len(b.lines) > 1 && (titles[titleKey(b.text[0])] || titles[titleKey(stripSectionNumber(b.text[0]))]) {
			out = append(out, subBlock(b, 0, 1), subBlock(b, 1, len(b.lines)))
			continue
		}
		out = append(out, b)
	}
	return out
}
