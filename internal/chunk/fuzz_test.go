package chunk

import (
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// FuzzSplit: no panic, and every invariant of check (offsets, counts, at
// most Size tokens, full coverage) for any text, size, overlap and
// tokenizer, with a page map over the text.
func FuzzSplit(f *testing.F) {
	seeds := []string{
		"# A\n\ntext\n\n## B\n\n| h | i |\n|---|---|\n| 1 | 2 |\n",
		"```\n# not heading\n" + strings.Repeat("code line\n", 30) + "```\n",
		"> quote\n> # heading in quote\n\n- item one\n- item two\n\n  continued\n",
		strings.Repeat("x", 500),
		"Setext\n===\n\npara\n\n***\n\n<div>\nhtml\n</div>\n\n[ref]: /url\n",
		"| a |\n|---|\n" + strings.Repeat("| "+strings.Repeat("cell ", 40)+"|\n", 5),
		"\xff\xfe\x80 invalid \xc3 utf8 \xe6\x97",
		"    indented code\n    more\n\n# H\n#\n##   \n",
		"日本語のテキスト。" + strings.Repeat("長い文章", 100),
	}
	for i, s := range seeds {
		f.Add(s, uint16(32+i*7), uint16(i*3), uint8(i))
	}
	tokenizers := Tokenizers()
	f.Fuzz(func(t *testing.T, md string, size, overlap uint16, which uint8) {
		if len(md) > 1<<14 {
			return
		}
		opt := Options{
			Size:      MinSize + int(size)%200,
			Tokenizer: mustTokenizer(t, tokenizers[int(which)%len(tokenizers)]),
		}
		opt.Overlap = int(overlap) % (opt.Size/2 + 1)
		var pages []format.Page
		for i, at := 0, 0; at < len(md); i, at = i+1, at+1+len(md)/5 {
			pages = append(pages, format.Page{Number: i + 1, Start: at})
		}
		chunks, err := Split(md, pages, opt)
		if err != nil {
			t.Fatal(err)
		}
		check(t, md, chunks, opt)
		for _, c := range chunks {
			if len(pages) > 0 && len(c.Pages) == 0 {
				t.Fatalf("chunk [%d:%d) has no page", c.Start, c.End)
			}
		}
	})
}
