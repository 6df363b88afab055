package pdf

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// text shows s at (x, y) in font f (F1 Helvetica, F2 Courier) at size pt.
func text(f string, pt, x, y float64, s string) string {
	return fmt.Sprintf("BT /%s %g Tf %g %g Td (%s) Tj ET\n", f, pt, x, y, s)
}

// TestCodeBlocks converts pages with Courier code among Helvetica prose:
// indentation and blank lines stay, tokens placed one by one join without
// the spaces PDFium reports between them, aligned columns inside code stay
// code, and a typewritten page (all Courier) is prose.
func TestCodeBlocks(t *testing.T) {
	const cw = 6.0 // Courier's advance at 10 pt
	code := text("F1", 11, 72, 700, "The definition below is typed like this:") +
		text("F2", 10, 72, 680, "Group ::= SEQUENCE {") +
		text("F2", 10, 72+3*cw, 668, "id     OBJECT IDENTIFIER,") +
		text("F2", 10, 72+3*cw, 656, "value1 INTEGER,") +
		text("F2", 10, 72+3*cw, 644, "value2 BOOLEAN") +
		text("F2", 10, 72, 632, "}") +
		// a blank line, then tokens set one by one (LaTeX listings)
		text("F2", 10, 72, 608, "console") + text("F2", 10, 72+7*cw, 608, ".log") + text("F2", 10, 72+11*cw, 608, "(x);") +
		text("F1", 11, 72, 580, "After the code the prose goes on.")
	typed := ""
	for i, l := range []string{"This page was typed on a typewriter and every", "line of it is set in Courier, so nothing here", "is code: it is an ordinary paragraph of text."} {
		typed += text("F2", 10, 72, 700-12*float64(i), l)
	}
	tests := []struct {
		name, content, want string
	}{
		{"code", code, "The definition below is typed like this:\n\n```\nGroup ::= SEQUENCE {\n   id     OBJECT IDENTIFIER,\n" +
			"   value1 INTEGER,\n   value2 BOOLEAN\n}\n\nconsole.log(x);\n```\n\nAfter the code the prose goes on.\n"},
		{"typewritten", typed, "This page was typed on a typewriter and every line of it is set in Courier, so nothing here is code: it is an ordinary paragraph of text.\n"},
	}
	for _, tt := range tests {
		out, err := Convert(context.Background(), pdfWithContents([]string{tt.content}), format.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if out.Markdown != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, out.Markdown, tt.want)
		}
	}
}

// TestInlineCodeLine keeps a line that is all inline code inside the
// paragraph it continues, and a bulleted monospaced line a list item.
func TestInlineCodeLine(t *testing.T) {
	content := text("F1", 11, 72, 700, "For example, with the default paths, the program loads the files") +
		text("F2", 11, 72, 686, "/usr/share/mime/text/html.xml") +
		text("F1", 11, 72, 672, "and then the home folder.") +
		text("F2", 10, 72, 640, "\\267 INTEGER;") + text("F2", 10, 72, 628, "\\267 BOOLEAN;")
	out, err := Convert(context.Background(), pdfWithContents([]string{content}), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "For example, with the default paths, the program loads the files /usr/share/mime/text/html.xml and then the home folder.\n\n- INTEGER;\n- BOOLEAN;\n"
	if out.Markdown != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.Markdown, want)
	}
	if strings.Contains(out.Markdown, "```") {
		t.Error("a code block where there is none")
	}
}

// TestMixedLineIsProse: a line of prose with several inline code words,
// most of its characters monospaced but not all, is a paragraph.
func TestMixedLineIsProse(t *testing.T) {
	content := text("F1", 11, 72, 728, "The function generates a C structure from an ASN.1 file, and it") +
		text("F1", 11, 72, 714, "creates a file holding a C vector used to manage the definitions.") +
		text("F1", 11, 72, 686, "If") + text("F2", 11, 84, 686, "inputFileName") +
		text("F1", 11, 172, 686, "is") + text("F2", 11, 184, 686, "\"/aa/bb/xx.yy\"") +
		text("F1", 11, 280, 686, "and") + text("F2", 11, 302, 686, "outputFileName") +
		text("F1", 11, 398, 686, "too, a new file is created.")
	out, err := Convert(context.Background(), pdfWithContents([]string{content}), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "The function generates a C structure from an ASN.1 file, and it creates a file holding a C vector used to manage the definitions.\n\nIf inputFileName is \"/aa/bb/xx.yy\" and outputFileName too, a new file is created.\n"
	if out.Markdown != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.Markdown, want)
	}
}

// TestGiantNumberBesideText: a slide's big section number drawn beside a
// heading and three lines of text is a line of its own; the text keeps its
// order and sizes.
func TestGiantNumberBesideText(t *testing.T) {
	body := "BT /F1 130 Tf 195 180 Td (01) Tj /F1 40 Tf 136 45 Td (Lorem & Ipsum) Tj ET\n" +
		text("F1", 12, 331, 210, "Lorem ipsum dolor sit amet, consectetur adipiscing elit.") +
		text("F1", 12, 331, 194, "In mollis dictum volutpat. Donec bibendum magna vel") +
		text("F1", 12, 331, 178, "risus consectetur, sit amet aliquet est ullamcorper.")
	out, err := Convert(context.Background(), pdfWithContents([]string{body}), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	md := out.Markdown
	i, j := strings.Index(md, "Lorem ipsum dolor"), strings.Index(md, "risus consectetur")
	if i < 0 || j < i || strings.Contains(md, "01risus") || strings.Contains(md, "01 risus") || !strings.Contains(md, "Lorem & Ipsum") {
		t.Errorf("Markdown:\n%s", md)
	}
	if strings.Contains(md, "01 Lorem & Ipsum") || strings.Contains(md, "01Lorem") {
		t.Errorf("the number joined the heading:\n%s", md)
	}
}

// FuzzCodeText writes code blocks from arbitrary segments: no panic, one
// output line per input line at least, no line padded past the bound.
func FuzzCodeText(f *testing.F) {
	f.Add("console .log (x);", 72.0, 6.0, 2.0, true)
	f.Add("a b", -5.0, 0.0, -1.0, false)
	f.Fuzz(func(t *testing.T, s string, x0, cw, dx float64, mono bool) {
		words := strings.Split(s, " ")
		wordX := make([]float64, 0, len(words))
		for i := 1; i < len(words); i++ {
			wordX = append(wordX, x0+float64(i)*dx*cw)
		}
		share := 0.0
		if mono {
			share = 1
		}
		seg := segment{text: s, x0: x0, x1: x0 + float64(len(s))*cw, y0: 0, y1: 10, mono: mono, monoShare: share, charW: cw, wordX: wordX}
		l := line{segs: []segment{seg, seg}, x0: x0, x1: seg.x1, y0: 0, y1: 10}
		l2 := l
		l2.y0, l2.y1 = 30, 40
		b := block{kind: kindCode, lines: []line{l, l2}, text: []string{l.text(), l2.text()}}
		out := codeText(b)
		if n := strings.Count(out, "\n") + 1; n < 2 {
			t.Fatalf("%d lines from 2", n)
		}
		for _, ln := range strings.Split(out, "\n") {
			if len([]rune(ln)) > maxCodeColumn+2*len([]rune(s))+2 {
				t.Fatalf("line of %d runes", len([]rune(ln)))
			}
		}
	})
}
