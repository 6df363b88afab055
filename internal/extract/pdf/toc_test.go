package pdf

import (
	"context"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// TestTableOfContents turns dot-leader lines into a nested list, not a
// table and not headings.
func TestTableOfContents(t *testing.T) {
	content := text("F1", 16, 72, 720, "Contents") +
		text("F1", 11, 72, 690, "Preface . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . iii") +
		text("F1", 11, 72, 676, "1 Introduction . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . 1") +
		text("F1", 11, 90, 662, "1.1 Scope. . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . 2") +
		text("F1", 11, 90, 648, "1.2 Terms ........................................................ 4") +
		text("F1", 11, 72, 634, "2 Usage . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . 15") +
		text("F1", 11, 72, 600, "The guide starts with the introduction.")
	out, err := Convert(context.Background(), pdfWithContents([]string{content}), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "## Contents\n\n- Preface … iii\n- 1 Introduction … 1\n    - 1.1 Scope … 2\n    - 1.2 Terms … 4\n- 2 Usage … 15\n\nThe guide starts with the introduction.\n"
	if out.Markdown != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.Markdown, want)
	}
}

func TestTOCEntry(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2.1 ASN.1 syntax. . . . . . . . 2", "2.1 ASN.1 syntax … 2"},
		{"Appendix A Copying . . . . . 24", "Appendix A Copying … 24"},
		{"Index ........ xii", "Index … xii"},
		{"Wait... what? 3", ""},
		{"Version 1.2.3.4.5", ""},
		{"Totals . . . . . . . . . . . . . n/a", ""},
	} {
		got := ""
		if tocEntry(c.in) {
			got = tocText(c.in)
		}
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}
