package export

import (
	"bytes"
	"mime"
	"strings"
	"testing"
)

func TestDemoteHeadings(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"# A\n\ntext", "## A\n\ntext"},
		{"   ### Indented\n", "   #### Indented\n"},
		{"###### Six\n", "###### Six\n"},
		{"```\n# code\n```\n# After\n", "```\n# code\n```\n## After\n"},
		{"~~~md\n## tilde fence\n~~~\n", "~~~md\n## tilde fence\n~~~\n"},
		{"````\n```\n# nested fence\n```\n````\n", "````\n```\n# nested fence\n```\n````\n"},
		{"    # indented code\n", "    # indented code\n"},
		{"<div>\n# html\n</div>\n", "<div>\n# html\n</div>\n"},
		{"Title\n=====\n", "Title\n-----\n"},
		{"Sub\n---\nbody\n", "### Sub\n\nbody\n"},
		{"Two\nlines\n---\n", "### Two lines\n\n"},
		{"> # Quote\n> text\n", "> ## Quote\n> text\n"},
		{"1. # Item\n", "1. ## Item\n"},
		{"#hashtag, not a heading\n", "#hashtag, not a heading\n"},
		{"# Unterminated\n```\n# in code\n", "## Unterminated\n```\n# in code\n"},
		{"", ""},
	} {
		var b bytes.Buffer
		if err := DemoteHeadings(&b, tc.in); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("DemoteHeadings(%q) = %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}

func TestSafeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\windows\system32\cmd.exe`, "cmd.exe"},
		{"/abs/path/file.md", "file.md"},
		{"a:b*c?d\"e<f>g|h.md", "a_b_c_d_e_f_g_h.md"},
		{"line\r\nbreak.md", "line__break.md"},
		{"evil\u202Egpj.exe", "evil_gpj.exe"},
		{"...hidden", "hidden"},
		{"..", "fallback"},
		{"", "fallback"},
		{"CON.txt", "_CON.txt"},
		{"  spaced   out  .md ", "spaced out .md"},
		{strings.Repeat("é", 100) + ".md", strings.Repeat("é", 58) + ".md"},
		{"Überblick 2026.docx", "Überblick 2026.docx"},
	} {
		if got := SafeName(tc.in, "fallback"); got != tc.want {
			t.Errorf("SafeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUniqueNames(t *testing.T) {
	n := names{}
	got := []string{n.unique("d/", "a.md"), n.unique("d/", "A.md"), n.unique("d/", "a.md"), n.unique("e/", "a.md"), n.unique("d/", "a (2).md")}
	want := "d/a.md|d/A (2).md|d/a (3).md|e/a.md|d/a (2) (2).md"
	if strings.Join(got, "|") != want {
		t.Errorf("unique names %q, want %q", got, want)
	}
}

func TestZipNameAndContentDisposition(t *testing.T) {
	for _, tc := range []struct{ in, name string }{
		{"", "default.zip"},
		{"my export", "my export.zip"},
		{"data.ZIP", "data.ZIP"},
		{"../../../tmp/evil.zip", "evil.zip"},
		{"x\r\nSet-Cookie: a=b", "x__Set-Cookie_ a=b.zip"},
		{"a\";b=c.zip", "a_;b=c.zip"},
		{"Prüfbericht 日本.zip", "Prüfbericht 日本.zip"},
	} {
		name := ZipName(tc.in, "default.zip")
		if name != tc.name {
			t.Errorf("ZipName(%q) = %q, want %q", tc.in, name, tc.name)
		}
		h := ContentDisposition(name)
		if strings.ContainsAny(h, "\r\n") {
			t.Fatalf("header %q has a line break", h)
		}
		disp, params, err := mime.ParseMediaType(h)
		if err != nil || disp != "attachment" || params["filename"] != name || len(params) != 1 {
			t.Errorf("ContentDisposition(%q) = %q, parsed %q %v %v", name, h, disp, params, err)
		}
	}
}
