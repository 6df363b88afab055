package pdf

import (
	"strings"
	"testing"
)

// word makes glyphs for text starting at x on a baseline band y0..y1, with
// 5 pt per character and a space glyph between words.
func word(text string, x, y0, size float64, bold bool) []glyph {
	var gs []glyph
	for i, r := range []rune(text) {
		if r == ' ' {
			gs = append(gs, glyph{r: ' ', space: true})
			continue
		}
		x0 := x + float64(i)*size*0.5
		gs = append(gs, glyph{r: r, x0: x0, x1: x0 + size*0.5, y0: y0, y1: y0 + size*1.2, size: size, bold: bold})
	}
	return gs
}

// textLine makes one line of glyphs followed by PDFium's line break.
func textLine(text string, x, y, size float64) []glyph {
	return append(word(text, x, y, size, false), glyph{r: '\n', newline: true})
}

func TestSegmentsAndLines(t *testing.T) {
	var gs []glyph
	gs = append(gs, textLine("Hello world", 50, 100, 10)...)
	// Two cells far apart on one baseline: two segments, one line.
	gs = append(gs, word("left", 50, 120, 10, false)...)
	gs = append(gs, word("right", 300, 120, 10, false)...)
	gs = append(gs, glyph{r: '\n', newline: true})
	// A ligature split by PDFium: the second letter starts inside the first.
	gs = append(gs, glyph{r: 'f', x0: 50, x1: 60, y0: 140, y1: 152, size: 10},
		glyph{r: 'i', x0: 50, x1: 60, y0: 140, y1: 152, size: 10},
		glyph{r: 'n', x0: 60, x1: 65, y0: 140, y1: 152, size: 10})
	lines := buildLines(segments(gs, nil))
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3", len(lines))
	}
	tests := []struct {
		segs int
		text string
	}{{1, "Hello world"}, {2, "left right"}, {1, "fin"}}
	for i, tt := range tests {
		if got := len(lines[i].segs); got != tt.segs {
			t.Errorf("line %d: %d segments, want %d", i, got, tt.segs)
		}
		if got := lines[i].text(); got != tt.text {
			t.Errorf("line %d: text %q, want %q", i, got, tt.text)
		}
	}
}

func TestMapRuneLigatures(t *testing.T) {
	tests := map[rune]string{0xFB01: "fi", 0xFB03: "ffi", 0xF0B7: "•", 'a': "a", 0x0002: "-", 0x0007: ""}
	for r, want := range tests {
		if got := mapRune(r); got != want {
			t.Errorf("mapRune(%U) = %q, want %q", r, got, want)
		}
	}
}

func TestJoinLines(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"the infor-", "mation age"}, "the information age"},
		{[]string{"state-of-the-", "Art"}, "state-of-the- Art"},
		{[]string{"a well-", "known fact"}, "a wellknown fact"},
		{[]string{"pages 3-", "5"}, "pages 3- 5"},
		{[]string{"one", "two"}, "one two"},
		{[]string{"dash --", "next"}, "dash -- next"},
	}
	for _, tt := range tests {
		if got := joinLines(tt.in); got != tt.want {
			t.Errorf("joinLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestListMarker(t *testing.T) {
	tests := []struct{ in, marker, rest string }{
		{"• first item", "-", "first item"},
		{"- dash item", "-", "dash item"},
		{"1. numbered", "1.", "numbered"},
		{"12) twelfth", "12.", "twelfth"},
		{"a) letter", "-", "letter"},
		{"A. Author", "", "A. Author"},
		{"Plain text", "", "Plain text"},
		{"-5 degrees", "", "-5 degrees"},
	}
	for _, tt := range tests {
		m, rest := listMarker(tt.in)
		if m != tt.marker || (m != "" && rest != tt.rest) {
			t.Errorf("listMarker(%q) = %q, %q; want %q, %q", tt.in, m, rest, tt.marker, tt.rest)
		}
	}
}

func TestBuildBlocksParagraphsAndLists(t *testing.T) {
	var gs []glyph
	y := 100.0
	add := func(text string, x float64, gap float64) {
		gs = append(gs, textLine(text, x, y, 10)...)
		y += 12 + gap
	}
	add("This is the first paragraph which runs on", 50, 0)
	add("to a second line and ends here.", 50, 10)
	add("A second paragraph after a gap.", 50, 10)
	gs = append(gs, word("•", 50, y, 10, false)...) // marker, then a tab
	gs = append(gs, textLine("an item", 70, y, 10)...)
	y += 12
	add("• another item that wraps", 50, 0)
	add("onto a continuation line", 60, 0)
	blocks := buildBlocks(buildLines(segments(gs, nil)), 10)
	md, _ := render(blocks, nil)
	want := []string{
		"This is the first paragraph which runs on to a second line and ends here.\n\n",
		"A second paragraph after a gap.\n\n",
		"- an item\n- another item that wraps onto a continuation line\n",
	}
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown lacks %q:\n%s", w, md)
		}
	}
}

func TestSegmentsSplitAtRules(t *testing.T) {
	// "ab" and "cd" are 2 pt apart, too close for a gap, but a rule runs
	// between them.
	gs := append(word("ab", 50, 100, 10, false), word("cd", 62, 100, 10, false)...)
	if got := len(buildLines(segments(gs, nil))[0].segs); got != 1 {
		t.Fatalf("without rules: %d segments, want 1", got)
	}
	rules := []rule{{x: 61, y0: 95, y1: 120}}
	l := buildLines(segments(gs, rules))[0]
	if len(l.segs) != 2 || l.segs[0].text != "ab" || l.segs[1].text != "cd" {
		t.Errorf("with a rule: segments %+v, want ab | cd", l.segs)
	}
}
