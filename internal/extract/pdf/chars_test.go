package pdf

import (
	"context"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// TestUnmappedSymbolsKeepTextInPlace: glyphs of a symbol font without a
// Unicode mapping (PDFium leaves them out of the page text) must not shift
// the characters after them onto other characters' positions.
func TestUnmappedSymbolsKeepTextInPlace(t *testing.T) {
	content := text("F1", 12, 72, 700, "R = P\\(") + text("F3", 12, 108, 700, "\\001\\002") + text("F1", 12, 130, 700, "| M\\) is a ratio.") +
		text("F1", 12, 72, 684, "where") + text("F3", 12, 106, 684, "\\002") + text("F1", 12, 116, 684, "is an arbitrary agreement pattern.")
	out, err := Convert(context.Background(), pdfWithContents([]string{content}), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(out.Markdown), " ")
	if want := "R = P( | M) is a ratio. where is an arbitrary agreement pattern."; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
