package chunk

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// kind is what a top-level Markdown block is, as far as chunking cares.
type kind int

const (
	kindText    kind = iota // paragraph, list, quote, HTML, rule
	kindHeading             // ATX or setext heading
	kindTable               // GFM table
	kindCode                // fenced or indented code
)

// span is a half-open byte range of the Markdown.
type span struct{ start, end int }

// block is one top-level block: its byte span with surrounding blank lines
// trimmed, and for headings the level and plain-text title.
type block struct {
	span
	kind  kind
	level int
	title string
}

var parser = goldmark.New(goldmark.WithExtensions(extension.Table)).Parser()

// parseBlocks cuts the Markdown into its top-level blocks. goldmark gives
// each block's start; a block runs to the next one's start, so the blocks
// cover the whole text (blank lines between them trimmed off) and nothing
// goldmark keeps outside its tree, such as link definitions, is lost.
func parseBlocks(md string) []block {
	src := []byte(md)
	doc := parser.Parse(text.NewReader(src))
	var blocks []block
	prev := -1
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		start := lineStart(md, blockPos(n))
		if start < 0 || start <= prev {
			continue // part of the block before (or no position at all)
		}
		if len(blocks) == 0 {
			start = 0
		}
		b := block{span: span{start: start}, kind: kindOf(n)}
		if h, ok := n.(*ast.Heading); ok {
			b.level, b.title = h.Level, inlineText(h, src)
		}
		blocks = append(blocks, b)
		prev = start
	}
	for i := range blocks {
		end := len(md)
		if i+1 < len(blocks) {
			end = blocks[i+1].start
		}
		blocks[i].span = trim(md, span{blocks[i].start, end})
	}
	if len(blocks) == 0 {
		blocks = append(blocks, block{span: trim(md, span{0, len(md)})})
	}
	out := blocks[:0]
	for _, b := range blocks {
		if b.end > b.start {
			out = append(out, b)
		}
	}
	return out
}

// blockPos is where a block starts. A table made out of a paragraph reports
// the paragraph's start, so the header row's position is taken instead.
func blockPos(n ast.Node) int {
	if t, ok := n.(*extast.Table); ok && t.FirstChild() != nil {
		if p := t.FirstChild().Pos(); p >= 0 {
			return p
		}
	}
	if p := n.Pos(); p >= 0 {
		return p
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if p := blockPos(c); p >= 0 {
			return p
		}
	}
	return -1
}

func kindOf(n ast.Node) kind {
	switch n.(type) {
	case *ast.Heading:
		return kindHeading
	case *extast.Table:
		return kindTable
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return kindCode
	}
	return kindText
}

// lineStart moves at back to the start of its line.
func lineStart(md string, at int) int {
	if at < 0 || at > len(md) {
		return -1
	}
	return strings.LastIndexByte(md[:at], '\n') + 1
}

// inlineText is a heading's text without Markdown markup, whitespace
// collapsed.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// isSpace reports whether c is Markdown whitespace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// trim drops trailing whitespace and leading blank lines from s; leading
// spaces on its first line are kept, since they may be indentation.
func trim(md string, s span) span {
	for s.end > s.start && isSpace(md[s.end-1]) {
		s.end--
	}
	i := s.start
	for i < s.end && isSpace(md[i]) {
		i++
		if md[i-1] == '\n' {
			s.start = i
		}
	}
	if i == s.end {
		s.start = s.end
	}
	return s
}
