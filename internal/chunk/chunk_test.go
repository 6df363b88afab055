package chunk

import (
	"slices"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// tokenizer returns the named tokenizer or fails the test.
func mustTokenizer(t testing.TB, name string) Tokenizer {
	t.Helper()
	tk, err := NewTokenizer(name)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// check asserts what holds for every chunking: offsets point at the text,
// counts are right and within the size, chunks move forward, and every
// non-space byte of the Markdown is in some chunk.
func check(t testing.TB, md string, chunks []Chunk, opt Options) {
	t.Helper()
	covered := 0
	for i, c := range chunks {
		switch {
		case c.Index != i:
			t.Fatalf("chunk %d has index %d", i, c.Index)
		case c.Start < 0 || c.End > len(md) || c.Start >= c.End:
			t.Fatalf("chunk %d: bad span [%d:%d) of %d bytes", i, c.Start, c.End, len(md))
		case c.Text != md[c.Start:c.End]:
			t.Fatalf("chunk %d: text %q is not md[%d:%d] %q", i, c.Text, c.Start, c.End, md[c.Start:c.End])
		case !strings.HasSuffix(c.EmbedText, c.Text):
			t.Fatalf("chunk %d: embed text %q does not end with the text", i, c.EmbedText)
		case c.Tokens != opt.Tokenizer.Count(c.Text) || c.EmbedTokens != opt.Tokenizer.Count(c.EmbedText):
			t.Fatalf("chunk %d: token counts %d/%d are wrong", i, c.Tokens, c.EmbedTokens)
		case c.EmbedTokens > opt.Size:
			t.Fatalf("chunk %d: %d tokens > %d: %q", i, c.EmbedTokens, opt.Size, c.EmbedText)
		case i > 0 && (c.Start < chunks[i-1].Start || c.End <= chunks[i-1].End):
			t.Fatalf("chunk %d [%d:%d) does not move past chunk %d [%d:%d)", i, c.Start, c.End, i-1, chunks[i-1].Start, chunks[i-1].End)
		case c.Start > covered && strings.TrimSpace(md[covered:c.Start]) != "":
			t.Fatalf("chunk %d: text before it is in no chunk: %q", i, md[covered:c.Start])
		}
		covered = max(covered, c.End)
	}
	if strings.TrimSpace(md[covered:]) != "" {
		t.Fatalf("the end of the text is in no chunk: %q", md[covered:])
	}
}

func split(t testing.TB, md string, pages []format.Page, opt Options) []Chunk {
	t.Helper()
	if opt.Tokenizer == nil {
		opt.Tokenizer = mustTokenizer(t, DefaultTokenizer)
	}
	chunks, err := Split(md, pages, opt)
	if err != nil {
		t.Fatal(err)
	}
	check(t, md, chunks, opt)
	return chunks
}

func TestHeadingPaths(t *testing.T) {
	md := "Preface text.\n\n# Guide\n\n## Install\n\nRun it.\n\n### Linux\n\nUse apt.\n\n## Use\n\nCall it.\n\n# Appendix\n\nMore."
	got := split(t, md, nil, Options{Size: 512})
	want := []struct {
		path []string
		text string
	}{
		{nil, "Preface text."},
		{[]string{"Guide", "Install"}, "# Guide\n\n## Install\n\nRun it."}, // a title right above a subtitle stays with it
		{[]string{"Guide", "Install", "Linux"}, "### Linux\n\nUse apt."},
		{[]string{"Guide", "Use"}, "## Use\n\nCall it."},
		{[]string{"Appendix"}, "# Appendix\n\nMore."},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d chunks, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if !slices.Equal(got[i].HeadingPath, w.path) && !(len(w.path) == 0 && len(got[i].HeadingPath) == 0) || got[i].Text != w.text {
			t.Errorf("chunk %d = %v %q, want %v %q", i, got[i].HeadingPath, got[i].Text, w.path, w.text)
		}
	}
	if got[2].EmbedText != "Guide > Install > Linux\n\n### Linux\n\nUse apt." {
		t.Errorf("embed text = %q", got[2].EmbedText)
	}
	if got[0].EmbedText != got[0].Text {
		t.Errorf("no heading path, yet embed text %q differs from text", got[0].EmbedText)
	}
}

func TestHeadingTitlesArePlainText(t *testing.T) {
	md := "# The **bold** `code` [link](http://x) title\n\nBody.\n\nSetext *title*\n---\n\nMore."
	got := split(t, md, nil, Options{Size: 512})
	if len(got) != 2 || got[0].HeadingPath[0] != "The bold code link title" || !slices.Equal(got[1].HeadingPath, []string{"The bold code link title", "Setext title"}) {
		t.Fatalf("heading paths: %+v", got)
	}
}

func TestParagraphsPackedUpToSize(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString(strings.Repeat("alpha beta gamma ", 3+i%5) + "end.\n\n")
	}
	md := b.String()
	opt := Options{Size: 64, Tokenizer: mustTokenizer(t, TokenizerCL100K)}
	got := split(t, md, nil, opt)
	for i, c := range got[:len(got)-1] {
		// Paragraph breaks are the only cuts: each chunk ends a paragraph,
		// and adding the next paragraph would have been over the size.
		if !strings.HasSuffix(c.Text, "end.") {
			t.Errorf("chunk %d does not end at a paragraph: %q", i, c.Text)
		}
		if next := md[c.Start:got[i+1].End]; opt.Tokenizer.Count(next) <= opt.Size {
			t.Errorf("chunks %d and %d would have fit together", i, i+1)
		}
	}
}

func TestOverlap(t *testing.T) {
	md := strings.Repeat("one two three four five six seven eight nine ten. ", 60)
	opt := Options{Size: 100, Overlap: 20, Tokenizer: mustTokenizer(t, TokenizerCL100K)}
	got := split(t, md, nil, opt)
	if len(got) < 3 {
		t.Fatalf("want several chunks, got %d", len(got))
	}
	for i := 1; i < len(got); i++ {
		prev, c := got[i-1], got[i]
		if c.Start >= prev.End {
			t.Fatalf("chunk %d does not overlap chunk %d", i, i-1)
		}
		shared := md[c.Start:prev.End]
		if n := opt.Tokenizer.Count(shared); n > opt.Overlap || n < opt.Overlap/2 {
			t.Errorf("chunk %d repeats %d tokens (%q), want about %d", i, n, shared, opt.Overlap)
		}
	}
	// No overlap across a heading.
	got = split(t, "# A\n\n"+md+"\n\n# B\n\nshort", nil, opt)
	last := got[len(got)-1]
	if last.Text != "# B\n\nshort" {
		t.Errorf("the new section starts with %q", last.Text)
	}
}

func TestTableKeptWholeWhenItFits(t *testing.T) {
	table := "| name | value |\n|---|---|\n| a | 1 |\n| b | 2 |"
	md := "# T\n\n" + strings.Repeat("filler words here. ", 20) + "\n\n" + table + "\n\nAfter."
	got := split(t, md, nil, Options{Size: 80})
	var whole bool
	for _, c := range got {
		if strings.Contains(c.Text, table) {
			whole = true
		} else if strings.Contains(c.Text, "| a | 1 |") {
			t.Errorf("table split: %q", c.Text)
		}
	}
	if !whole {
		t.Fatalf("no chunk holds the whole table: %+v", got)
	}
}

func TestLargeTableSplitByRowsWithHeader(t *testing.T) {
	header := "| region | quarter | revenue |\n| --- | --- | ---: |"
	var rows []string
	for i := range 60 {
		rows = append(rows, "| north-"+strings.Repeat("x", i%7)+" | Q"+string(rune('1'+i%4))+" | 1000 |")
	}
	md := "# Sales\n\nIntro.\n\n" + header + "\n" + strings.Join(rows, "\n") + "\n\nClosing words."
	opt := Options{Size: 96, Overlap: 10, Tokenizer: mustTokenizer(t, TokenizerO200K)}
	got := split(t, md, nil, opt)
	var tableChunks []Chunk
	for _, c := range got {
		if strings.Contains(c.Text, "| north") {
			tableChunks = append(tableChunks, c)
		}
	}
	if len(tableChunks) < 3 {
		t.Fatalf("want the table in several chunks, got %d", len(tableChunks))
	}
	seen := 0
	for i, c := range tableChunks {
		if !strings.Contains(c.EmbedText, header+"\n") || !strings.HasPrefix(c.EmbedText, "Sales\n\n") {
			t.Errorf("table chunk %d lacks the header in its embed text: %q", i, c.EmbedText)
		}
		if i == 0 != strings.HasPrefix(c.Text, header) {
			t.Errorf("table chunk %d: text %q", i, c.Text)
		}
		for _, line := range strings.Split(c.Text, "\n") {
			if strings.HasPrefix(line, "| north") {
				if line != rows[seen] {
					t.Fatalf("row %d is %q, want %q (rows split or repeated)", seen, line, rows[seen])
				}
				seen++
			}
		}
	}
	if seen != len(rows) {
		t.Errorf("%d rows in chunks, want %d", seen, len(rows))
	}
}

func TestCodeBlockNotSplitWhenItFits(t *testing.T) {
	code := "```python\n# a comment, not a heading\ndef f(x):\n\n    return x * 2\n\nprint(f(21))\n```"
	md := "# Code\n\n" + strings.Repeat("Some prose before the code. ", 8) + "\n\n" + code + "\n\nAfter."
	opt := Options{Size: 64, Tokenizer: mustTokenizer(t, TokenizerCL100K)}
	got := split(t, md, nil, opt)
	found := false
	for _, c := range got {
		if strings.Contains(c.Text, code) {
			found = true
		} else if strings.Contains(c.Text, "def f") {
			t.Errorf("code block split: %q", c.Text)
		}
		if len(c.HeadingPath) != 1 {
			t.Errorf("heading path %v: a comment in code became a heading", c.HeadingPath)
		}
	}
	if !found {
		t.Fatal("no chunk holds the whole code block")
	}
}

func TestLargeCodeBlockSplitAtLines(t *testing.T) {
	var lines []string
	for i := range 80 {
		lines = append(lines, "    total += compute(value_"+strings.Repeat("z", i%5)+", factor)")
	}
	md := "```go\n" + strings.Join(lines, "\n") + "\n```"
	got := split(t, md, nil, Options{Size: 64})
	if len(got) < 3 {
		t.Fatalf("got %d chunks", len(got))
	}
	for i, c := range got {
		if !strings.HasSuffix(c.Text, ")") && !strings.HasSuffix(c.Text, "```") {
			t.Errorf("chunk %d is not cut at a line end: %q", i, c.Text)
		}
	}
}

func TestUnsplittableRunIsCutBetweenTokens(t *testing.T) {
	for _, name := range Tokenizers() {
		tk := mustTokenizer(t, name)
		md := "# Blob\n\n" + strings.Repeat("QmFzZTY0ZW5jb2RlZGRhdGE9PQ", 300) + strings.Repeat("日本語", 200) + strings.Repeat("=", 3000)
		got := split(t, md, nil, Options{Size: 48, Overlap: 8, Tokenizer: tk})
		if len(got) < 10 {
			t.Errorf("%s: %d chunks", name, len(got))
		}
	}
}

func TestPages(t *testing.T) {
	p1 := "# Report\n\nFirst page text that is long enough to matter.\n\n"
	p2 := "Second page paragraph one.\n\nSecond page paragraph two.\n\n"
	p3 := "## Tail\n\nThird page."
	md := p1 + p2 + p3
	pages := []format.Page{{Number: 3, Start: len(p1) + len(p2)}, {Number: 1, Start: 0}, {Number: 2, Start: len(p1)}}
	got := split(t, md, pages, Options{Size: 512})
	if len(got) != 2 || !slices.Equal(got[0].Pages, []int{1, 2}) || !slices.Equal(got[1].Pages, []int{3}) {
		t.Fatalf("pages: %+v", got)
	}
	got = split(t, md, pages, Options{Size: 32})
	for _, c := range got {
		var want []int
		for _, pg := range []struct{ n, start, end int }{{1, 0, len(p1)}, {2, len(p1), len(p1) + len(p2)}, {3, len(p1) + len(p2), len(md)}} {
			if c.Start < pg.end && c.End > pg.start {
				want = append(want, pg.n)
			}
		}
		if !slices.Equal(c.Pages, want) {
			t.Errorf("chunk %q: pages %v, want %v", c.Text, c.Pages, want)
		}
	}
	if got := split(t, md, nil, Options{Size: 512}); got[0].Pages == nil || len(got[0].Pages) != 0 {
		t.Errorf("no page map: pages = %#v, want empty", got[0].Pages)
	}
}

func TestEmptyAndBlank(t *testing.T) {
	for _, md := range []string{"", "   \n\n\t\n", "[ref]: http://example.com\n"} {
		got := split(t, md, nil, Options{Size: 64})
		if strings.TrimSpace(md) == "" && len(got) != 0 {
			t.Errorf("%q: %d chunks", md, len(got))
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		opt   Options
		field string
	}{
		{Options{Size: 512, Overlap: 64}, ""},
		{Options{Size: 31}, "chunk_size"},
		{Options{Size: MaxSize + 1}, "chunk_size"},
		{Options{Size: 100, Overlap: 51}, "chunk_overlap"},
		{Options{Size: 100, Overlap: -1}, "chunk_overlap"},
	} {
		err := tc.opt.Validate()
		fe, _ := err.(*FieldError)
		if (tc.field == "") != (err == nil) || (fe != nil && fe.Field != tc.field) {
			t.Errorf("%+v: %v, want field %q", tc.opt, err, tc.field)
		}
	}
	if _, err := Split("x", nil, Options{Size: 10}); err == nil {
		t.Error("Split accepted a size below the minimum")
	}
}
