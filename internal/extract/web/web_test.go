package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

const corpus = "../../../../shared/testdata/extraction/html"

func convert(t testing.TB, html string) string {
	t.Helper()
	out, err := Convert(context.Background(), []byte(html), format.Options{})
	if err != nil {
		t.Fatalf("Convert(%.60q): %v", html, err)
	}
	return out.Markdown
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"headings and paragraphs", "<h1>T</h1><p>a</p><h3>S</h3>", "# T\n\na\n\n### S\n"},
		{"scripts and styles dropped", "<style>p{}</style><p>x<script>alert(1)</script></p><noscript>n</noscript>", "x\n"},
		{"image with alt", `<p><img src="data:image/png;base64,AAAA" alt="A  cat"></p>`, "A cat <!-- image -->\n"},
		{"image without alt", `<img src="x.png">`, "<!-- image -->\n"},
		{"link kept", `<a href="https://x.org/a">X</a>`, "[X](https://x.org/a)\n"},
		{"link without target", `<a href="">Run</a>`, "Run\n"},
		{"table with header", "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
			"| A | B |\n|---|---|\n| 1 | 2 |\n"},
		{"table without th", "<table><tr><td>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr></table>",
			"| A | B |\n|---|---|\n| 1 | 2 |\n"},
		{"nested table flattened into the cell", "<table><tr><td>A</td><td>B</td></tr><tr><td><table><tr><td>x</td><td>y</td></tr></table></td><td>2</td></tr></table>",
			"| A | B |\n|---|---|\n| x y | 2 |\n"},
		{"list in a cell", "<table><tr><td>A</td></tr><tr><td><ul><li>one</li><li>two</li></ul></td></tr></table>",
			"| A |\n|---|\n| one two |\n"},
		{"line break in a cell", "<table><tr><td>A</td></tr><tr><td>a<br>b</td></tr></table>", "| A |\n|---|\n| a b |\n"},
		{"spanned cells repeated", `<table><tr><th>Team</th><th colspan="2">Budget</th></tr><tr><td rowspan="2">Core</td><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table>`,
			"| Team | Budget | Budget |\n|---|---|---|\n| Core | a | 1 |\n| Core | b | 2 |\n"},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li></ul>", "- a\n\n  - b\n"},
		{"sub and sup stay inline HTML", "<p>H<sub>2</sub>O and x<sup>2</sup></p>", "H<sub>2</sub>O and x<sup>2</sup>\n"},
		{"code block", "<pre><code>x := 1\n\n\ny := 2</code></pre>", "```\nx := 1\n\n\ny := 2\n```\n"},
	}
	for _, tt := range tests {
		if got := convert(t, tt.html); got != tt.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestCharsets(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"meta cp1252", "<meta charset=\"windows-1252\"><p>caf\xe9 \x93q\x94</p>", "café “q”\n"},
		{"meta latin1 http-equiv", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><p>\xe9t\xe9</p>", "été\n"},
		{"undeclared 8-bit guessed", "<p>na\xefve</p>", "naïve\n"},
		{"utf-8 bom", "\xef\xbb\xbf<p>été</p>", "été\n"},
		{"utf-16le bom", "\xff\xfe<\x00p\x00>\x00\xe9\x00<\x00/\x00p\x00>\x00", "é\n"},
	}
	for _, tt := range tests {
		if got := convert(t, tt.data); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDeepNesting(t *testing.T) {
	// 250 levels are flattened before rendering; 20000 exceed the parser's
	// limit and fall back to plain text.
	for _, depth := range []int{250, 20000} {
		html := strings.Repeat("<div><span>", depth) + "deep <b>text</b>" + strings.Repeat("</span></div>", depth)
		if got := convert(t, html); !strings.Contains(got, "deep text") {
			t.Errorf("depth %d: nested text lost: %.200q", depth, got)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	if _, err := Convert(ctx, []byte("<p>x</p>"), format.Options{}); format.CodeOf(err) != format.CodeTimeout {
		t.Errorf("expired context: err = %v, want timeout", err)
	}
	if _, err := Convert(context.Background(), []byte("<script>x</script>  "), format.Options{}); format.CodeOf(err) != format.CodeEmpty {
		t.Errorf("no text: err = %v, want empty", err)
	}
}

func TestSamplesConvert(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.html"))
	if len(files) == 0 {
		t.Skip("sample corpus not found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Convert(context.Background(), data, format.Options{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func FuzzConvert(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.html"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>"))
	f.Add([]byte("<meta charset=utf-16><p>x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := Convert(ctx, data, format.Options{})
		if err == nil && strings.TrimSpace(out.Markdown) == "" {
			t.Errorf("no error but empty Markdown")
		}
		if err != nil && format.CodeOf(err) == "" {
			t.Errorf("error without code: %v", err)
		}
	})
}

func BenchmarkConvert(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.html"))
	if len(files) == 0 {
		b.Skip("sample corpus not found")
	}
	var docs [][]byte
	var size int64
	for _, f := range files {
		data, _ := os.ReadFile(f)
		docs = append(docs, data)
		size += int64(len(data))
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, d := range docs {
			if _, err := Convert(context.Background(), d, format.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
