package extract

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("<x/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDetect(t *testing.T) {
	docx := zipWith(t, "[Content_Types].xml", "word/document.xml")
	xlsx := zipWith(t, "[Content_Types].xml", "xl/workbook.xml")
	other := zipWith(t, "readme.txt")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name, file, ctype string
		data              []byte
		kind              string
		warn              bool
		code              format.Code
	}{
		{"pdf", "a.pdf", "", []byte("%PDF-1.7\n..."), kindPDF, false, ""},
		{"pdf with space first", "a.pdf", "", []byte("\n\n%PDF-1.4"), kindPDF, false, ""},
		{"pdf with junk first", "a.pdf", "", []byte("\x00\x01\x02\x03\x04%PDF-1.4"), kindPDF, false, ""},
		{"text quoting a pdf header", "a.md", "", []byte("A PDF starts with %PDF-1.7."), kindMD, false, ""},
		{"pdf named docx", "a.docx", "", []byte("%PDF-1.7"), kindPDF, true, ""},
		{"docx", "a.docx", "", docx, "docx", false, ""},
		{"xlsx named docx", "a.docx", "", xlsx, "xlsx", true, ""},
		{"plain zip", "a.zip", "", other, "", false, format.CodeUnsupported},
		{"plain zip named docx", "a.docx", "", other, "docx", false, ""},
		{"png named jpg", "a.jpg", "", png, kindImage, false, ""},
		{"png named txt", "a.txt", "", png, kindImage, true, ""},
		{"ole doc", "a.doc", "", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "doc", false, ""},
		{"ole unnamed", "a.bin", "", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "", false, format.CodeUnsupported},
		{"html", "a.html", "", []byte("<p>hi</p>"), kindHTML, false, ""},
		{"html named txt", "a.txt", "", []byte("<!DOCTYPE html><html><body>x</body></html>"), kindHTML, true, ""},
		{"markdown with tags", "a.md", "", []byte("<div>x</div>\n# T"), kindMD, false, ""},
		{"text", "a.txt", "", []byte("hello"), kindText, false, ""},
		{"text starting like a bitmap", "a.txt", "", []byte("BMW annual report for the year 2025, all regions"), kindText, false, ""},
		{"text named pdf", "a.pdf", "", []byte("hello world"), kindText, true, ""},
		{"csv", "a.csv", "", []byte("a,b\n1,2\n"), kindCSV, false, ""},
		{"no name, html", "", "", []byte("<html><body>x"), kindHTML, false, ""},
		{"no name, media type", "", "text/markdown; charset=utf-8", []byte("# x"), kindMD, false, ""},
		{"unknown ext text", "a.json", "", []byte(`{"a":1}`), "", false, format.CodeUnsupported},
		{"binary named txt", "a.txt", "", []byte("a\x00b\x00\x00\x00\x01\x02"), "", false, format.CodeUnsupported},
		{"binary named pdf", "a.pdf", "", []byte("\x00\x01\x02\x03"), kindPDF, false, ""},
		{"rtf", "a.rtf", "", []byte(`{\rtf1\ansi hi}`), "", false, format.CodeUnsupported},
		{"utf16 text", "a.txt", "", []byte("h\x00i\x00 \x00t\x00h\x00e\x00r\x00e\x00"), kindText, false, ""},
	}
	for _, tt := range tests {
		kind, warn, err := detect(Input{Name: tt.file, ContentType: tt.ctype, Data: tt.data})
		if format.CodeOf(err) != tt.code {
			t.Errorf("%s: err = %v, want code %q", tt.name, err, tt.code)
			continue
		}
		if kind != tt.kind || (warn != "") != tt.warn {
			t.Errorf("%s: detect = %q, %q; want %q, warning %v", tt.name, kind, warn, tt.kind, tt.warn)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
		enc  string
	}{
		{"utf-8", []byte("café"), "café", "utf-8"},
		{"utf-8 bom", []byte("\xef\xbb\xbfcafé"), "café", "utf-8"},
		{"utf-16le bom", []byte("\xff\xfec\x00a\x00f\x00\xe9\x00"), "café", "utf-16le"},
		{"utf-16be bom", []byte("\xfe\xff\x00c\x00a\x00f\x00\xe9"), "café", "utf-16be"},
		{"utf-16le no bom", []byte("c\x00a\x00f\x00\xe9\x00 \x00c\x00a\x00f\x00\xe9\x00"), "café café", "utf-16le"},
		{"cp1252", []byte("caf\xe9 \x93quoted\x94 \x80"), "café “quoted” €", "windows-1252"},
	}
	for _, tt := range tests {
		got, enc := decodeText(tt.in)
		if got != tt.want || enc != tt.enc {
			t.Errorf("%s: decodeText = %q (%s), want %q (%s)", tt.name, got, enc, tt.want, tt.enc)
		}
	}
}

func TestConvertText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"line one\r\nline two\r\n\r\n\r\nnext", "line one\nline two\n\nnext\n"},
		{"# not a heading\n> nor a quote\n====", "\\# not a heading\n\\> nor a quote\n\\====\n"},
		{"tab\there\x00\x07 bell", "tab\there bell\n"},
		{"    indented code stays", "    indented code stays\n"},
	}
	for _, tt := range tests {
		out, err := convertText(t.Context(), []byte(tt.in), kindText, format.Options{})
		if err != nil || out.Markdown != tt.want {
			t.Errorf("convertText(%q) = %q, %v; want %q", tt.in, out.Markdown, err, tt.want)
		}
	}
	if _, err := convertText(t.Context(), []byte(" \n\t\n"), kindText, format.Options{}); format.CodeOf(err) != format.CodeEmpty {
		t.Errorf("blank text: err = %v, want empty", err)
	}
}

func TestHTMLTablesInMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# T\n<table>\n<tr><th>A</th><th>B</th></tr>\n<tr><td>1</td><td>2</td></tr>\n</table>\nafter",
			"# T\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\nafter\n"},
		{"```html\n<table><tr><td>x</td></tr></table>\n```", "```html\n<table><tr><td>x</td></tr></table>\n```\n"},
		{"<div>\n  <p>In a div</p>\n  <ul><li>foo</li></ul>\n</div>\ntext", "In a div\n\n- foo\n\ntext\n"},
		{"<p>unclosed\n\nnext", "unclosed\n\nnext\n"},
		{"<div></div>\n\nx", "<div></div>\n\nx\n"},
		{"inline <b>html</b> stays", "inline <b>html</b> stays\n"},
	}
	for _, tt := range tests {
		out, err := convertMarkdown(t.Context(), []byte(tt.in), kindMD, format.Options{})
		if err != nil || out.Markdown != tt.want {
			t.Errorf("convertMarkdown(%q) = %q, %v; want %q", tt.in, out.Markdown, err, tt.want)
		}
	}
}
