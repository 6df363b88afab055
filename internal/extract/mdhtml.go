package extract

import (
	"context"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/web"
)

// htmlTablesToGFM replaces HTML tables written into Markdown (a block
// starting with <table> outside code fences) by GFM tables, so that every
// table of the output has one form. A block that does not convert to a
// table stays as it was.
func htmlTablesToGFM(ctx context.Context, md string) string {
	if !strings.Contains(strings.ToLower(md), "<table") {
		return md
	}
	lines := strings.Split(md, "\n")
	var out []string
	fenced := false
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(strings.ToLower(t), "<table") {
			out = append(out, lines[i])
			continue
		}
		end := i
		for end < len(lines) && !strings.Contains(strings.ToLower(lines[end]), "</table>") {
			end++
		}
		if end == len(lines) {
			out = append(out, lines[i:]...)
			break
		}
		block := strings.Join(lines[i:end+1], "\n")
		res, err := web.Convert(ctx, []byte(block), format.Options{})
		if err != nil || !strings.HasPrefix(res.Markdown, "|") {
			out = append(out, lines[i:end+1]...)
		} else {
			out = append(out, "", strings.TrimRight(res.Markdown, "\n"), "")
		}
		i = end
	}
	return strings.Join(out, "\n")
}
