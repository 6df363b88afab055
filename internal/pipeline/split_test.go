package pipeline

import (
	"strings"
	"testing"
)

func TestEstimateTokens(t *testing.T) {
	if n := estimateTokens(strings.Repeat("abcd", 100)); n != 100 {
		t.Errorf("ASCII: %d, want 100", n)
	}
	if n := estimateTokens("日本語"); n != 3 {
		t.Errorf("CJK: %d, want 3", n)
	}
}

func TestSplitSections(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 12; i++ {
		b.WriteString("## Part " + string(rune('A'+i)) + "\n\n")
		for j := 0; j < 5; j++ {
			b.WriteString(strings.Repeat("Some words in a paragraph. ", 8) + "\n\n")
		}
	}
	b.WriteString(strings.Repeat("x", 3000)) // one line longer than a section
	md := b.String()
	sections := splitSections(md, 400)
	if strings.Join(sections, "") != md {
		t.Fatal("sections do not join back to the document")
	}
	if len(sections) < 5 {
		t.Fatalf("%d sections", len(sections))
	}
	headed := 0
	for i, s := range sections {
		if n := estimateTokens(s); n > 400 {
			t.Errorf("section %d has %d tokens", i, n)
		}
		if strings.HasPrefix(s, "## ") {
			headed++
		}
	}
	if headed < 6 {
		t.Errorf("only %d of %d sections start at a heading", headed, len(sections))
	}
	if got := splitSections("short", 400); len(got) != 1 || got[0] != "short" {
		t.Errorf("short text split: %q", got)
	}
}
