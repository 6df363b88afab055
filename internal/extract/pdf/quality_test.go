package pdf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/curatore/curatore/internal/extract/format"
)

// minF1 is the quality floor per sample: the bag-of-words token F1 of
// score.py (NFKC, lower case, runs of letters and digits).
const minF1 = 0.95

// TestQualityFloor converts every sample PDF with a text layer and fails
// when its token F1 against the reference Markdown drops below minF1.
func TestQualityFloor(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "pdf", "*.pdf"))
	if len(paths) == 0 {
		t.Skip("sample corpus not found")
	}
	for _, p := range paths {
		want, err := os.ReadFile(strings.TrimSuffix(p, ".pdf") + ".expected.md")
		if err != nil {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Convert(context.Background(), data, format.Options{})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if f1 := tokenF1(out.Markdown, string(want)); f1 < minF1 {
			t.Errorf("%s: token F1 %.3f < %.2f", filepath.Base(p), f1, minF1)
		}
	}
}

func tokenF1(got, want string) float64 {
	g, w := tokens(got), tokens(want)
	common := 0
	for tok, n := range g {
		common += min(n, w[tok])
	}
	if common == 0 {
		return 0
	}
	ng, nw := total(g), total(w)
	p, r := float64(common)/float64(ng), float64(common)/float64(nw)
	return 2 * p * r / (p + r)
}

func tokens(s string) map[string]int {
	s = strings.ToLower(norm.NFKC.String(s))
	out := map[string]int{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out[f]++
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
