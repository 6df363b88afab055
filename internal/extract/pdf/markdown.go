package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/curatore/curatore/internal/extract/format"
)

// This file writes blocks as Markdown.

// joinAcrossPages merges a paragraph split by a page (or column) break: the
// first paragraph does not end a sentence and the next starts in lower case.
func joinAcrossPages(blocks []block) []block {
	var out []block
	for _, b := range blocks {
		if n := len(out); n > 0 && b.flowStart && b.kind == kindCode && out[n-1].kind == kindCode {
			out[n-1].text = append(out[n-1].text, b.text...) // a listing runs on
			out[n-1].lines = append(out[n-1].lines, b.lines...)
			continue
		}
		if n := len(out); n > 0 && b.flowStart && b.kind == kindPara && out[n-1].kind == kindPara {
			prev := &out[n-1]
			last := prev.text[len(prev.text)-1]
			first := []rune(strings.TrimSpace(b.text[0]))
			if len(first) > 0 && unicode.IsLower(first[0]) && !endsSentence(last) {
				prev.text = append(prev.text, b.text...)
				prev.lines = append(prev.lines, b.lines...)
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// render writes the blocks as one Markdown document and sets where each of
// pages starts in it: at its first block, or (a page without blocks of its
// own, or whose text joined the page before) where the next page's text
// begins.
func render(blocks []block, pages []format.Page) (string, []format.Page) {
	setListDepths(blocks)
	var b strings.Builder
	starts := make([]int, len(pages))
	pi := 0 // next page whose start is not yet known
	for i, bl := range blocks {
		for ; pi < len(pages) && pages[pi].Number <= bl.page; pi++ {
			starts[pi] = b.Len()
		}
		if i > 0 {
			if bl.kind == kindList && blocks[i-1].kind == kindList {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		switch bl.kind {
		case kindHeading:
			b.WriteString(format.Heading(bl.level, joinLines(bl.text)))
		case kindList:
			b.WriteString(strings.Repeat("    ", bl.level))
			b.WriteString(bl.marker + " " + escapeStart(joinLines(bl.text)))
		case kindCode:
			b.WriteString("```\n" + codeText(bl) + "\n```")
		case kindTable:
			b.WriteString(strings.TrimRight(format.Table(bl.rows), "\n"))
		default:
			b.WriteString(escapeStart(joinLines(bl.text)))
		}
	}
	for ; pi < len(pages); pi++ {
		starts[pi] = b.Len()
	}
	md, mapped := format.TidyMapped(b.String(), starts)
	format.PageStarts(pages, mapped)
	return md, pages
}

// setListDepths nests list items by indentation: within a run of items,
// the depth is the number of distinct smaller indents.
func setListDepths(blocks []block) {
	for i := 0; i < len(blocks); {
		if blocks[i].kind != kindList {
			i++
			continue
		}
		j := i
		var indents []float64
		for ; j < len(blocks) && blocks[j].kind == kindList; j++ {
			indents = addIndent(indents, blocks[j].x0)
		}
		sort.Float64s(indents)
		for k := i; k < j; k++ {
			for d, x := range indents {
				if math.Abs(blocks[k].x0-x) < 3 {
					blocks[k].level = d
				}
			}
		}
		i = j
	}
}

func addIndent(indents []float64, x float64) []float64 {
	for _, v := range indents {
		if math.Abs(v-x) < 3 {
			return indents
		}
	}
	return append(indents, x)
}

// escapeStart escapes a character at the start of a paragraph that
// Markdown would read as syntax: "# not a heading", "> not a quote",
// "+ not a list", "1) not a list".
func escapeStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '>', '+', '=', '|':
		return `\` + s
	case '-', '*':
		if len(s) > 1 && s[1] == ' ' {
			return `\` + s
		}
	}
	if m, _ := listMarker(s); m != "" && s[0] >= '0' && s[0] <= '9' {
		i := strings.IndexAny(s, ".)")
		return s[:i] + `\` + s[i:]
	}
	return s
}
