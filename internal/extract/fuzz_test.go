package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/curatore/curatore/internal/extract/format"
)

// seedCorpus adds the sample files of the given format directories.
func seedCorpus(f *testing.F, dirs ...string) {
	root := filepath.Join("..", "..", "..", "shared", "testdata", "extraction")
	if env := os.Getenv("CURATORE_EXTRACTION_CORPUS"); env != "" {
		root = env
	}
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(root, d, "*"))
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil && len(data) < 1<<20 {
				f.Add(filepath.Base(name), data)
			}
		}
	}
}

// FuzzDetect checks that sniffing never panics and always decides.
func FuzzDetect(f *testing.F) {
	seedCorpus(f, "html", "md", "image", "docx")
	f.Add("a.txt", []byte("\xff\xfeh\x00i\x00"))
	f.Add("", []byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		kind, _, err := detect(Input{Name: name, Data: data})
		if err == nil && converters[kind] == nil {
			t.Errorf("detect chose %q, which has no converter", kind)
		}
		if err != nil && format.CodeOf(err) == "" {
			t.Errorf("error without code: %v", err)
		}
	})
}

// FuzzDecodeText checks that any bytes decode to valid UTF-8.
func FuzzDecodeText(f *testing.F) {
	seedCorpus(f, "md")
	f.Add("a.txt", []byte("caf\xe9"))
	f.Add("a.txt", []byte("\xfe\xff\x00a\xd8\x00"))
	f.Fuzz(func(t *testing.T, _ string, data []byte) {
		s, _ := decodeText(data)
		if !utf8.ValidString(s) {
			t.Errorf("decodeText gave invalid UTF-8 for %q", data)
		}
		clean := cleanText(s)
		if strings.ContainsAny(clean, "\x00\r\f") {
			t.Errorf("cleanText left control characters: %q", clean)
		}
	})
}

// FuzzNative runs the whole native engine on text-like inputs (images are
// left to the ocr fuzzer: each would start Tesseract).
func FuzzNative(f *testing.F) {
	seedCorpus(f, "html", "md")
	f.Add("a.txt", []byte("# x\n> y"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if sniff(data) == kindImage {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := Native{}.Extract(ctx, Input{Name: name, Data: data}, format.Options{Timeout: 10 * time.Second})
		if err != nil {
			if format.CodeOf(err) == "" {
				t.Errorf("error without code: %v", err)
			}
			return
		}
		if !utf8.ValidString(res.Markdown) || strings.TrimSpace(res.Markdown) == "" {
			t.Errorf("bad Markdown %q", res.Markdown)
		}
	})
}

func BenchmarkText(b *testing.B) {
	line := "The quick brown fox jumps over the lazy dog; caf\xe9 na\xefve \x93quoted\x94.\r\n"
	data := []byte(strings.Repeat(line, 20000) + "\r\n")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := (Native{}).Extract(context.Background(), Input{Name: "a.txt", Data: data}, format.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarkdown(b *testing.B) {
	doc := "# Title\n\nSome *text* with a [link](http://x).\n\n```go\nx := 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
	data := []byte(strings.Repeat(doc, 5000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := (Native{}).Extract(context.Background(), Input{Name: "a.md", Data: data}, format.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
