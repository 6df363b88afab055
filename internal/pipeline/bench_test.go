package pipeline

import (
	"strings"
	"testing"
)

// benchDoc is a 200-page document of about 2 MB with a page map.
func benchDoc() (string, []PageRef) {
	var b strings.Builder
	var pages []PageRef
	page := "## Section\n\n" + strings.Repeat("A sentence of ordinary prose with 12 numbers and a date 2024-01-02. ", 140) +
		"\n\n- an item\n- another item\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
	for i := 0; i < 200; i++ {
		pages = append(pages, PageRef{Number: i + 1, Start: b.Len(), Chars: visibleChars(page)})
		b.WriteString(page)
	}
	return b.String(), pages
}

func BenchmarkScoreConversion(b *testing.B) {
	md, pages := benchDoc()
	b.SetBytes(int64(len(md)))
	for i := 0; i < b.N; i++ {
		ScoreConversion(md, SourceFacts{Pages: pages}, "native")
	}
}

func BenchmarkFactCheck(b *testing.B) {
	md, _ := benchDoc()
	b.SetBytes(int64(len(md)))
	for i := 0; i < b.N; i++ {
		FactCheckText(md, md)
	}
}

func BenchmarkSplitSections(b *testing.B) {
	md, _ := benchDoc()
	b.SetBytes(int64(len(md)))
	for i := 0; i < b.N; i++ {
		splitSections(md, reviewBudget(8192))
	}
}
