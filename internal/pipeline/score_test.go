package pipeline

import (
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

func TestVisibleChars(t *testing.T) {
	md := "<!-- slide 1 -->\n\n# Title\n\n- item one\n1. two\n\n| a | b |\n|---|---|\n| c | d |\n\n```go\nx\n```\n\n**bold** \\# not\n"
	// Fence lines are skipped whole; the code inside counts.
	want := len("Title") + len("itemone") + len("two") + 4 + len("x") + len("bold") + len("#not")
	if got := visibleChars(md); got != want {
		t.Errorf("visibleChars = %d, want %d", got, want)
	}
}

func TestGarbageCount(t *testing.T) {
	bad, total := garbageCount("ab\uFFFDc (cid:12) \uE001\x01")
	// (cid:12) is 8 characters, all bad; plus U+FFFD, U+E001, \x01.
	if bad != 11 || total != 14 {
		t.Errorf("bad %d, total %d; want 11, 14", bad, total)
	}
}

func TestScoreConversionSignals(t *testing.T) {
	page := strings.Repeat("Plain sentence of text here. ", 10) // 250 visible chars
	md := "# Report\n\n" + page + "\n\n" + page + "\n"
	second := strings.Index(md, page[:20]) + len(page) + 2
	good := []PageRef{{Number: 1, Start: 0, Chars: 256}, {Number: 2, Start: second, Chars: 250}}
	res := ScoreConversion(md, SourceFacts{Pages: good}, "native")
	if res.ConversionScore < 95 {
		t.Errorf("clean two-page output scores %.1f: %+v", res.ConversionScore, res.Signals)
	}
	if len(res.Pages) != 2 || res.Pages[1].Score < 95 {
		t.Errorf("page scores %+v", res.Pages)
	}
	for _, s := range res.Signals {
		if s.Reason == "" || s.Name == "" {
			t.Errorf("signal without name or reason: %+v", s)
		}
	}

	// Page 2 of the source held 1000 characters, a third came out: the
	// coverage and the page's score say so.
	lossy := []PageRef{{Number: 1, Start: 0, Chars: 256}, {Number: 2, Start: second, Chars: 1000}}
	res2 := ScoreConversion(md, SourceFacts{Pages: lossy}, "native")
	if res2.ConversionScore >= 70 || res2.Pages[1].Score >= 60 || res2.Pages[0].Score < 95 {
		t.Errorf("lossy page 2: score %.1f, pages %+v", res2.ConversionScore, res2.Pages)
	}
	if !strings.Contains(strings.Join(res2.ConversionNotes, "|"), "weak conversion on page 2") {
		t.Errorf("notes %q do not name page 2", res2.ConversionNotes)
	}

	// Garbage lowers the score through its signal.
	garbled := strings.ReplaceAll(md, "text", "(cid:3)(cid:4)")
	res3 := ScoreConversion(garbled, SourceFacts{}, "native")
	if g := signal(res3, "garbage"); g.Score > 10 || res3.ConversionScore >= res.ConversionScore {
		t.Errorf("garbled: garbage %+v, score %.1f", g, res3.ConversionScore)
	}

	// An OCR page with low confidence, and an empty page.
	ocr := []PageRef{{Number: 1, Start: 0, Chars: 0, OCR: true, OCRConfidence: 55}, {Number: 2, Start: len(md), Chars: 300}}
	res4 := ScoreConversion(md, SourceFacts{Pages: ocr}, "native")
	if o := signal(res4, "ocr_confidence"); o.Weight == 0 || o.Score != 30 {
		t.Errorf("ocr signal %+v", o)
	}
	if e := signal(res4, "empty_pages"); e.Value != 0.5 || e.Score != 50 {
		t.Errorf("empty signal %+v", e)
	}
	if res4.Pages[1].Score != 0 {
		t.Errorf("empty page scores %+v", res4.Pages[1])
	}
}

func TestScoreConversionEdgeCases(t *testing.T) {
	if r := ScoreConversion(" \n<!-- image -->\n", SourceFacts{}, "x"); r.ConversionScore != 0 || len(r.Signals) != 1 {
		t.Errorf("empty output: %+v", r)
	}
	// A page map that does not fit is ignored, not trusted.
	r := ScoreConversion("short text\n", SourceFacts{Pages: []PageRef{{Number: 1, Start: 50}}}, "x")
	if len(r.Pages) != 0 || signal(r, "text_coverage").Weight != 0 {
		t.Errorf("misfit page map used: %+v", r)
	}
	// Without a page map, coverage is not measured and says why.
	if s := signal(r, "text_coverage"); !strings.Contains(s.Reason, "not measured") {
		t.Errorf("coverage reason %q", s.Reason)
	}
	// A document without pages compares with the source's own size.
	if s := signal(ScoreConversion("# T\n\nhello world\n", SourceFacts{Chars: 33}, "x"), "text_coverage"); s.Weight == 0 || s.Value != 0.333 {
		t.Errorf("document coverage %+v", s)
	}
	// Structure: a long text without headings, an unclosed fence.
	long := strings.Repeat("word ", 900) + "\n\n```\ncode\n"
	if s := signal(ScoreConversion(long, SourceFacts{}, "x"), "structure"); s.Score != 45 {
		t.Errorf("structure %+v", s)
	}
}

func TestStructureAgainstDeclared(t *testing.T) {
	md := "# A\n\ntext\n\n## B\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n"
	full := signal(ScoreConversion(md, SourceFacts{Declared: &format.Structure{Headings: 2, ListItems: 2, Tables: 1}}, "x"), "structure")
	if full.Score != 100 || !strings.Contains(full.Reason, "source declares 2, 2, 1") {
		t.Errorf("all declared structure found: %+v", full)
	}
	// Half the declared headings and one of two tables are missing.
	short := signal(ScoreConversion(md, SourceFacts{Declared: &format.Structure{Headings: 4, ListItems: 2, Tables: 2}}, "x"), "structure")
	if short.Score != 70 || !strings.Contains(short.Reason, "2 of 4 declared headings found") || !strings.Contains(short.Reason, "1 of 2 declared tables found") {
		t.Errorf("missing structure: %+v", short)
	}
}

func TestCoverageScore(t *testing.T) {
	for _, tt := range []struct{ ratio, want float64 }{{0, 0}, {0.45, 50}, {0.9, 100}, {1.0, 100}, {1.25, 100}, {1.75, 50}, {2.5, 0}} {
		if got := round1(coverageScore(tt.ratio)); got != tt.want {
			t.Errorf("coverageScore(%v) = %v, want %v", tt.ratio, got, tt.want)
		}
	}
}

func signal(r ConversionResult, name string) Signal {
	for _, s := range r.Signals {
		if s.Name == name {
			return s
		}
	}
	return Signal{}
}
