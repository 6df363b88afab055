package extract

import (
	"context"
	"regexp"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/web"
)

// htmlBlockStart matches a line opening an HTML block element, the kind
// CommonMark passes through as raw HTML.
var htmlBlockStart = regexp.MustCompile(`(?i)^\s{0,3}<(table|div|p|ul|ol|dl|section|article|blockquote|details|figure|h[1-6])[\s>]`)

// htmlBlocksToMarkdown converts HTML blocks written into Markdown (outside
// code fences) to Markdown, so that tables become GFM tables and the text
// carries no tags. A block runs to the line that closes its first element
// (nesting of the same element counted), or to the next blank line when it
// is never closed, as in CommonMark. A block that does not convert stays.
func htmlBlocksToMarkdown(ctx context.Context, md string) string {
	if !strings.Contains(md, "<") {
		return md
	}
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	fenced := false
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
		}
		m := htmlBlockStart.FindStringSubmatch(lines[i])
		if fenced || m == nil {
			out = append(out, lines[i])
			continue
		}
		end := blockEnd(lines, i, strings.ToLower(m[1]))
		block := strings.Join(lines[i:end+1], "\n")
		res, err := web.Convert(ctx, []byte(block), format.Options{})
		if err != nil {
			out = append(out, lines[i:end+1]...)
		} else {
			out = append(out, "", strings.TrimRight(res.Markdown, "\n"), "")
		}
		i = end
	}
	return strings.Join(out, "\n")
}

// blockEnd finds the last line of the HTML block opened by tag at start.
func blockEnd(lines []string, start int, tag string) int {
	open := regexp.MustCompile(`(?i)<` + tag + `[\s>]`)
	closing := "</" + tag + ">"
	depth := 0
	for j := start; j < len(lines); j++ {
		l := strings.ToLower(lines[j])
		depth += len(open.FindAllStringIndex(l, -1)) - strings.Count(l, closing)
		if depth <= 0 {
			return j
		}
	}
	// Never closed: up to the next blank line.
	for j := start; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) == "" {
			return max(start, j-1)
		}
	}
	return len(lines) - 1
}
