package export

import (
	"bytes"
	"mime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// FuzzNames: any user-given name becomes a safe entry name and a header
// that parses back to it.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../x", "a\r\nb", "CON", "\u202e", strings.Repeat("é", 200), "\xff\xfe", `"; x=y`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		name := SafeName(in, "fallback")
		if name == "" || len(name) > maxNameBytes || strings.ContainsAny(name, "/\\\x00\r\n") || !utf8.ValidString(name) ||
			strings.HasPrefix(name, ".") || name != strings.TrimSpace(name) {
			t.Fatalf("SafeName(%q) = %q", in, name)
		}
		zip := ZipName(in, "default.zip")
		h := ContentDisposition(zip)
		_, params, err := mime.ParseMediaType(h)
		if strings.ContainsAny(h, "\r\n") || err != nil || params["filename"] != zip {
			t.Fatalf("ContentDisposition(%q) = %q: %v %v", zip, h, params, err)
		}
	})
}

// FuzzDemote: demoting never panics, keeps every non-'#', non-setext byte,
// and never touches the contents of code blocks.
func FuzzDemote(f *testing.F) {
	for _, s := range []string{"# a\n```\n# b\n```\n", "T\n=\n", "S\n-\n", "> # q\n", "    # c\n", "- # l\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		var b bytes.Buffer
		if err := DemoteHeadings(&b, md); err != nil {
			t.Fatal(err)
		}
		if codeText(md) != codeText(b.String()) {
			t.Fatalf("code changed: %q → %q", md, b.String())
		}
	})
}

// codeText is the text inside the code blocks of md.
func codeText(md string) string {
	var out strings.Builder
	doc := goldmark.New().Parser().Parse(textReader(md))
	walkCode(doc, []byte(md), &out)
	return out.String()
}

func textReader(md string) text.Reader { return text.NewReader([]byte(md)) }

func walkCode(n ast.Node, src []byte, out *strings.Builder) {
	switch c := n.(type) {
	case *ast.FencedCodeBlock:
		out.Write(c.Lines().Value(src))
		out.WriteByte(0)
	case *ast.CodeBlock:
		out.Write(c.Lines().Value(src))
		out.WriteByte(0)
	}
	for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
		walkCode(ch, src, out)
	}
}
