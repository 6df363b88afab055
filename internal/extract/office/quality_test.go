package office

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestQuality guards conversion quality on the sample documents: the
// bag-of-words token F1 against the reference Markdown (written by other
// projects, see /work/shared/testdata/extraction/README.md), averaged per
// format, must stay above the targets the engine is held to. This is the
// token F1 of the shared scorer (score.py), without its NFKC step.
func TestQuality(t *testing.T) {
	targets := map[string]float64{".docx": 0.96, ".pptx": 0.95, ".xlsx": 0.90}
	for ext, target := range targets {
		var sum float64
		names := samples(t, ext)
		for _, name := range names {
			want := string(readSample(t, strings.TrimSuffix(name, ext)+".expected.md"))
			got := convertOK(t, readSample(t, name), ext).Markdown
			f1 := tokenF1(got, want)
			t.Logf("%s: F1 %.3f", filepath.Base(name), f1)
			sum += f1
		}
		if avg := sum / float64(len(names)); avg < target {
			t.Errorf("%s: mean token F1 %.3f below %.2f", ext, avg, target)
		}
	}
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	htmlTag     = regexp.MustCompile(`<[^>]+>`)
)

// tokens lower-cases s without HTML comments and tags and splits it into
// runs of letters and digits.
func tokens(s string) map[string]int {
	s = htmlTag.ReplaceAllString(htmlComment.ReplaceAllString(s, " "), " ")
	out := map[string]int{}
	for _, tok := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		out[tok]++
	}
	return out
}

// tokenF1 is the F1 of the token multisets of got and want.
func tokenF1(got, want string) float64 {
	g, w := tokens(got), tokens(want)
	common, ng, nw := 0, 0, 0
	for tok, n := range g {
		common += min(n, w[tok])
		ng += n
	}
	for _, n := range w {
		nw += n
	}
	if ng == 0 || nw == 0 || common == 0 {
		return 0
	}
	p, r := float64(common)/float64(ng), float64(common)/float64(nw)
	return 2 * p * r / (p + r)
}
