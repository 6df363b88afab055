package pipeline

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// The conversion score (0–100) is measured from the output and the page
// map, never assumed. Five signals, each with a value, a score 0–100, a
// weight and a one-line reason:
//
//   - text_coverage (0.35): characters emitted on the pages that have a text
//     layer or structure of their own (PDF text layer, slide text runs,
//     sheet cells) against the characters the source holds there. 0.9–1.1
//     scores 100; less scores in proportion (a third of the text lost is
//     about 74); more than 1.1 means duplicated text and loses 2.5 points
//     per percent.
//   - garbage (0.25): share of replacement characters (U+FFFD), private-use
//     code points (unmapped glyphs), control characters and "(cid:NN)"
//     tokens among all non-space characters; 0 scores 100 and every percent
//     costs 10 points.
//   - ocr_confidence (0.15): Tesseract's mean word confidence over the pages
//     that went through OCR, weighted by their text; 90 and above scores
//     100, 40 and below 0, linear between.
//   - empty_pages (0.15): share of pages that should carry text (the source
//     has text there, or the page was sent to OCR) but produced none.
//   - structure (0.10): headings, lists, tables and code blocks found, held
//     against what the source's markup declares where the converter says
//     (DOCX heading styles, numbered paragraphs and tables; slide titles
//     and tables; a tagged PDF's structure tree): each kind found short
//     costs up to 30 points in
//     proportion. A long text without headings (unless the source declares
//     none), a wall of text, an unclosed code fence or tables with ragged
//     rows cost points too.
//
// A signal that cannot be measured (no page map, no OCR) gets weight 0 and
// says why. The score is the weighted mean of the signals with a weight,
// Σ(weight × score) / Σ weight, capped at 20 points above the weakest of
// the text signals (coverage, garbage, OCR confidence, empty pages) so
// that one badly failed signal cannot be averaged away (a page that lost
// three quarters of its text must not score 66), rounded to one decimal.
// An empty output scores 0. The same signals are computed per page (without structure),
// so the result says where a conversion is weak.

// Signal weights.
const (
	weightCoverage  = 0.35
	weightGarbage   = 0.25
	weightOCR       = 0.15
	weightEmpty     = 0.15
	weightStructure = 0.10
)

// pageText is one page's share of the output, measured.
type pageText struct {
	PageRef
	emitted, bad, total int
}

// SourceFacts are what the source says about itself, for the score to
// compare the output with; every field may be empty.
type SourceFacts struct {
	Pages    []PageRef         // page map with each page's own character count
	Chars    int               // a document without pages: its own character count
	Declared *format.Structure // headings, list items, tables its markup declares
}

// ScoreConversion computes the conversion score of md against what the
// source says about itself. engine is recorded as the extraction engine.
func ScoreConversion(md string, src SourceFacts, engine string) ConversionResult {
	pages, sourceChars := src.Pages, src.Chars
	res := ConversionResult{Success: true, ExtractionEngine: engine, TotalCharacters: len([]rune(md))}
	if visibleChars(md) == 0 {
		res.Signals = []Signal{{Name: "text", Value: 0, Score: 0, Weight: 1, Reason: "no text was produced"}}
		res.ConversionNotes = []string{"No text was produced."}
		return res
	}
	pts, pageNote := splitPages(md, pages)
	res.Signals = []Signal{
		coverageSignal(pts, md, sourceChars),
		garbageSignal(md),
		ocrSignal(pts),
		emptySignal(pts),
		structureSignal(md, src.Declared),
	}
	res.ConversionScore = combine(res.Signals)
	for _, p := range pts {
		res.Pages = append(res.Pages, scorePage(p))
	}
	for _, s := range res.Signals {
		if s.Weight > 0 && s.Score < 100 {
			res.ConversionNotes = append(res.ConversionNotes, s.Reason)
		}
	}
	if pageNote != "" {
		res.ConversionNotes = append(res.ConversionNotes, pageNote)
	}
	if weak := weakPages(res.Pages); weak != "" {
		res.ConversionNotes = append(res.ConversionNotes, weak)
	}
	return res
}

// textSignalCap is how far above its weakest text signal a score may be.
const textSignalCap = 20

// combine is the weighted mean of the signals that have a weight, capped
// at textSignalCap above the weakest text signal.
func combine(signals []Signal) float64 {
	var sum, weights float64
	limit := 100.0
	for _, s := range signals {
		sum += s.Weight * s.Score
		weights += s.Weight
		if s.Weight > 0 && s.Name != "structure" {
			limit = math.Min(limit, s.Score+textSignalCap)
		}
	}
	if weights == 0 {
		return 0
	}
	return round1(math.Min(sum/weights, limit))
}

// splitPages cuts md at the page starts and measures each page. A page map
// that does not fit md (starts out of order or past the end, as after an
// edit) is ignored with a note.
func splitPages(md string, pages []PageRef) ([]pageText, string) {
	if len(pages) == 0 {
		return nil, ""
	}
	for i, p := range pages {
		if p.Start < 0 || p.Start > len(md) || (i > 0 && p.Start < pages[i-1].Start) {
			return nil, "the page map does not fit this text; no per-page scores"
		}
	}
	out := make([]pageText, len(pages))
	for i, p := range pages {
		end := len(md)
		if i+1 < len(pages) {
			end = pages[i+1].Start
		}
		seg := md[p.Start:end]
		bad, total := garbageCount(seg)
		out[i] = pageText{PageRef: p, emitted: visibleChars(seg), bad: bad, total: total}
	}
	return out, ""
}

// coverageScore maps emitted/source characters to 0–100.
func coverageScore(ratio float64) float64 {
	switch {
	case ratio < 0.9:
		return clamp(100 * ratio / 0.9)
	case ratio > 1.25:
		return clamp(100 - (ratio-1.25)*100)
	}
	return 100
}

// coverageSignal compares emitted with source characters: per page when
// there are pages, else for the whole document when sourceChars is known.
func coverageSignal(pts []pageText, md string, sourceChars int) Signal {
	var emitted, source, n int
	for _, p := range pts {
		if p.Chars > 0 && !p.OCR {
			emitted += p.emitted
			source += p.Chars
			n++
		}
	}
	where := fmt.Sprintf("on %d page(s)", n)
	if len(pts) == 0 && sourceChars > 0 {
		emitted, source, where = visibleChars(md), sourceChars, "in the document"
	}
	s := Signal{Name: "text_coverage"}
	if source == 0 {
		s.Reason = "not measured: the source declares no text of its own to compare with"
		return s
	}
	ratio := float64(emitted) / float64(source)
	s.Value, s.Score, s.Weight = round3(ratio), round1(coverageScore(ratio)), weightCoverage
	s.Reason = fmt.Sprintf("%d characters emitted for %d in the source's own text %s (%.0f%%)",
		emitted, source, where, 100*ratio)
	return s
}

func garbageSignal(md string) Signal {
	bad, total := garbageCount(md)
	ratio := 0.0
	if total > 0 {
		ratio = float64(bad) / float64(total)
	}
	s := Signal{Name: "garbage", Value: round3(ratio), Score: round1(clamp(100 * (1 - 10*ratio))), Weight: weightGarbage}
	if bad == 0 {
		s.Reason = fmt.Sprintf("no replacement characters, unmapped glyphs, (cid:) tokens or control characters in %d characters", total)
	} else {
		s.Reason = fmt.Sprintf("%d of %d characters are replacement characters, unmapped glyphs, (cid:) tokens or control characters", bad, total)
	}
	return s
}

// ocrScore maps a mean word confidence to 0–100.
func ocrScore(conf float64) float64 { return clamp((conf - 40) * 2) }

func ocrSignal(pts []pageText) Signal {
	var sum, weights float64
	n := 0
	for _, p := range pts {
		if p.OCR {
			w := float64(max(p.emitted, 1))
			sum += w * p.OCRConfidence
			weights += w
			n++
		}
	}
	s := Signal{Name: "ocr_confidence"}
	if n == 0 {
		s.Reason = "not measured: no page went through OCR"
		return s
	}
	conf := sum / weights
	s.Value, s.Score, s.Weight = round1(conf), round1(ocrScore(conf)), weightOCR
	s.Reason = fmt.Sprintf("mean OCR word confidence %.1f over %d page(s)", conf, n)
	return s
}

// expectsText reports whether a page should have produced text: its source
// has text of its own, it is of unknown size, or it was sent to OCR.
func expectsText(p pageText) bool { return p.OCR || p.Chars != 0 }

func emptySignal(pts []pageText) Signal {
	s := Signal{Name: "empty_pages"}
	var expected int
	var empty []string
	for _, p := range pts {
		if expectsText(p) {
			expected++
			if p.emitted == 0 {
				empty = append(empty, fmt.Sprint(p.Number))
			}
		}
	}
	if expected == 0 {
		s.Reason = "not measured: the source has no pages with text"
		return s
	}
	ratio := float64(len(empty)) / float64(expected)
	s.Value, s.Score, s.Weight = round3(ratio), round1(100*(1-ratio)), weightEmpty
	if len(empty) == 0 {
		s.Reason = fmt.Sprintf("all %d page(s) with text in the source produced text", expected)
	} else {
		s.Reason = fmt.Sprintf("%d of %d page(s) produced no text (page %s)", len(empty), expected, listShort(empty))
	}
	return s
}

// structureSignal scores the structure found, against what the source
// declares when it says.
func structureSignal(md string, declared *format.Structure) Signal {
	st := measureStructure(md)
	score := 100.0
	var problems []string
	if chars := visibleChars(md); st.headings == 0 && chars > 2000 && (declared == nil || declared.Headings > 0) {
		score -= 15
		problems = append(problems, fmt.Sprintf("no headings in %d characters", chars))
	}
	if declared != nil {
		for _, k := range []struct {
			what            string
			found, declared int
		}{{"heading", st.headings, declared.Headings}, {"list item", st.listItems, declared.ListItems}, {"table", st.tables, declared.Tables}} {
			if k.found < k.declared {
				score -= 30 * float64(k.declared-k.found) / float64(k.declared)
				problems = append(problems, fmt.Sprintf("%d of %d declared %ss found", k.found, k.declared, k.what))
			}
		}
	}
	if st.longestBlock > 4000 {
		score -= 20
		problems = append(problems, fmt.Sprintf("a paragraph of %d characters", st.longestBlock))
	}
	if st.unclosedFence {
		score -= 20
		problems = append(problems, "an unclosed code fence")
	}
	if st.raggedTables > 0 {
		score -= float64(min(st.raggedTables, 3) * 10)
		problems = append(problems, fmt.Sprintf("%d table(s) with rows of different widths", st.raggedTables))
	}
	reason := fmt.Sprintf("%d heading(s), %d list item(s), %d table(s), %d code block(s)", st.headings, st.listItems, st.tables, st.fences)
	if declared != nil {
		reason += fmt.Sprintf(" (source declares %d, %d, %d)", declared.Headings, declared.ListItems, declared.Tables)
	}
	if len(problems) > 0 {
		reason += "; " + strings.Join(problems, ", ")
	}
	return Signal{Name: "structure", Value: float64(st.headings + st.listItems + st.tables + st.fences),
		Score: round1(clamp(score)), Weight: weightStructure, Reason: reason}
}

// scorePage scores one page with the page-level signals.
func scorePage(p pageText) PageScore {
	one := []pageText{p}
	signals := []Signal{coverageSignal(one, "", 0), ocrSignal(one), emptySignal(one)}
	ratio := 0.0
	if p.total > 0 {
		ratio = float64(p.bad) / float64(p.total)
	}
	signals = append(signals, Signal{Name: "garbage", Score: clamp(100 * (1 - 10*ratio)), Weight: weightGarbage,
		Reason: fmt.Sprintf("%d of %d characters are garbage", p.bad, p.total)})
	ps := PageScore{Page: p.Number, Score: 100, Reason: "no text expected and none produced"}
	if !expectsText(p) && p.emitted == 0 {
		return ps
	}
	if expectsText(p) && p.emitted == 0 {
		ps.Score, ps.Reason = 0, "no text produced"
		return ps
	}
	ps.Score = combine(signals)
	worst := slices.MinFunc(signals, func(a, b Signal) int {
		return cmpWeighted(a, b)
	})
	ps.Reason = worst.Reason
	return ps
}

// cmpWeighted orders signals by score, unweighted (not measured) last.
func cmpWeighted(a, b Signal) int {
	av, bv := a.Score, b.Score
	if a.Weight == 0 {
		av = math.Inf(1)
	}
	if b.Weight == 0 {
		bv = math.Inf(1)
	}
	switch {
	case av < bv:
		return -1
	case av > bv:
		return 1
	}
	return 0
}

// weakPages names the pages scoring under 60.
func weakPages(pages []PageScore) string {
	var weak []string
	for _, p := range pages {
		if p.Score < 60 {
			weak = append(weak, fmt.Sprint(p.Page))
		}
	}
	if len(weak) == 0 {
		return ""
	}
	return fmt.Sprintf("weak conversion on page %s", listShort(weak))
}

// listShort joins up to ten items and says how many more there are.
func listShort(items []string) string {
	if len(items) <= 10 {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:10], ", ") + fmt.Sprintf(" and %d more", len(items)-10)
}

func clamp(v float64) float64 { return math.Max(0, math.Min(100, v)) }

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
