package chunk

import (
	"fmt"
	"strings"
	"testing"
)

// sampleDocument is a report-like Markdown text of about n KiB: sections
// with prose, lists, tables and code.
func sampleDocument(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n<<10; i++ {
		fmt.Fprintf(&b, "# Part %d\n\n", i)
		for j := range 3 {
			fmt.Fprintf(&b, "## Section %d.%d\n\n", i, j)
			for k := range 4 {
				fmt.Fprintf(&b, "Paragraph %d explains the quarterly figures of unit %d in plain words. "+
					"It mentions revenue, costs and the outlook, with numbers such as %d.%02d%% and dates like 2026-0%d-1%d. ", k, j, i, k, 1+k%9, k)
				b.WriteString(strings.Repeat("Further detail follows in the same vein. ", 3+k) + "\n\n")
			}
			b.WriteString("- first point\n- second point with more words\n- third point\n\n")
			b.WriteString("| unit | revenue | cost |\n|---|---:|---:|\n")
			for r := range 6 + j*10 {
				fmt.Fprintf(&b, "| unit-%d | %d | %d |\n", r, r*1000, r*700)
			}
			b.WriteString("\n```python\ndef total(rows):\n    return sum(r.revenue for r in rows)\n```\n\n")
		}
	}
	return b.String()
}

func BenchmarkSplit(b *testing.B) {
	md := sampleDocument(256)
	for _, name := range Tokenizers() {
		tk := mustTokenizer(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(md)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Split(md, nil, Options{Size: DefaultSize, Overlap: DefaultOverlap, Tokenizer: tk}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCount(b *testing.B) {
	md := sampleDocument(256)
	for _, name := range Tokenizers() {
		tk := mustTokenizer(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(md)))
			for b.Loop() {
				tk.Count(md)
			}
		})
	}
}
