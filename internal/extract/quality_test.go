package extract

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/ocr"
)

// floor is the lowest average a format of the sample corpus may score. The
// values sit just under today's figures, so a regression fails the test;
// raise them when quality improves. A zero floor is not checked (formats
// whose converter is not wired yet).
type floor struct{ F1, Edit, Table, Head float64 }

var floors = map[string]floor{
	"html":        {F1: 0.98, Edit: 0.99, Table: 0.95, Head: 0.95},
	"md":          {F1: 0.99, Edit: 0.99, Table: 0.99, Head: 0.99},
	"image":       {F1: 0.95, Edit: 0.95},
	"pdf":         {F1: 0.99, Edit: 0.99, Table: 0.8, Head: 0.99},
	"pdf_scanned": {F1: 0.95, Edit: 0.95},
	"docx":        {F1: 0.98, Edit: 0.98, Table: 0.95, Head: 0.95},
	"pptx":        {F1: 0.96, Edit: 0.95, Table: 0.95, Head: 0.95},
	"xlsx":        {F1: 0.98, Edit: 0.98, Table: 0.95},
}

// editCap is score.py's default --edit-cap.
const editCap = 20000

// corpusDir finds the sample corpus: $CURATORE_EXTRACTION_CORPUS, else
// ../shared/testdata/extraction next to the module root (or next to a
// directory above it).
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CURATORE_EXTRACTION_CORPUS")
	if dir == "" {
		root, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatal("go.mod not found above the package directory")
			}
			root = parent
		}
		dir = filepath.Join(root, "..", "shared", "testdata", "extraction")
		// A worktree sits one level deeper (…/wt/<name>): look further up.
		for up := filepath.Dir(root); up != filepath.Dir(up); up = filepath.Dir(up) {
			if _, err := os.Stat(dir); err == nil {
				break
			}
			dir = filepath.Join(filepath.Dir(up), "shared", "testdata", "extraction")
		}
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("extraction corpus missing under CI: %v", err)
		}
		t.Skipf("extraction corpus not found (%v); set CURATORE_EXTRACTION_CORPUS", err)
	}
	return dir
}

// sample is one input with its reference Markdown.
type sample struct{ format, path, expected string }

func samples(t *testing.T, dir string) []sample {
	t.Helper()
	var out []sample
	formats, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		if !f.IsDir() || strings.HasPrefix(f.Name(), ".") {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(dir, f.Name()))
		for _, e := range files {
			name := e.Name()
			ext := filepath.Ext(name)
			if e.IsDir() || strings.HasSuffix(name, ".expected.md") || ext == "" ||
				strings.HasPrefix(name, "README") || strings.HasPrefix(name, "PROVENANCE") {
				continue
			}
			exp := filepath.Join(dir, f.Name(), strings.TrimSuffix(name, ext)+".expected.md")
			if _, err := os.Stat(exp); err == nil {
				out = append(out, sample{f.Name(), filepath.Join(dir, f.Name(), name), exp})
			}
		}
	}
	return out
}

// scores collects the per-file metrics of one format.
type scores struct {
	n                  int
	f1, edit           float64
	table, head        float64
	tables, headingsOK int
}

func (s scores) avg() floor {
	a := floor{F1: s.f1 / float64(s.n), Edit: s.edit / float64(s.n)}
	if s.tables > 0 {
		a.Table = s.table / float64(s.tables)
	}
	if s.headingsOK > 0 {
		a.Head = s.head / float64(s.headingsOK)
	}
	return a
}

// TestQuality runs the native engine over the sample corpus and fails when
// a format's average falls below its floor.
func TestQuality(t *testing.T) {
	dir := corpusDir(t)
	ocrOK := ocr.Available(ocr.Options{}) == nil
	byFormat := map[string]*scores{}
	for _, s := range samples(t, dir) {
		fl, known := floors[s.format]
		if !known {
			t.Errorf("format directory %q has no floor in the table", s.format)
			continue
		}
		if !ocrOK && (s.format == "image" || s.format == "pdf_scanned") {
			t.Logf("%s: skipped, tesseract not available", s.path)
			continue
		}
		got := convertSample(t, s, fl)
		want, err := os.ReadFile(s.expected)
		if err != nil {
			t.Fatal(err)
		}
		sc := byFormat[s.format]
		if sc == nil {
			sc = &scores{}
			byFormat[s.format] = sc
		}
		addScores(sc, got, string(want))
	}
	for _, name := range sortedKeys(byFormat) {
		a, fl := byFormat[name].avg(), floors[name]
		t.Logf("%-12s files=%d f1=%.3f edit=%.3f table=%.3f head=%.3f", name, byFormat[name].n, a.F1, a.Edit, a.Table, a.Head)
		for _, m := range []struct {
			metric    string
			got, want float64
		}{{"f1", a.F1, fl.F1}, {"edit", a.Edit, fl.Edit}, {"table", a.Table, fl.Table}, {"head", a.Head, fl.Head}} {
			if m.want > 0 && m.got < m.want {
				t.Errorf("%s: %s %.3f is below the floor %.3f", name, m.metric, m.got, m.want)
			}
		}
	}
}

// convertSample runs the native engine; a failure scores as empty output
// (and is an error when the format has a floor).
func convertSample(t *testing.T, s sample, fl floor) string {
	t.Helper()
	data, err := os.ReadFile(s.path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Native{}.Extract(context.Background(), Input{Name: filepath.Base(s.path), Data: data}, format.Options{})
	if err != nil {
		if fl != (floor{}) {
			t.Errorf("%s: %v", s.path, err)
		} else {
			t.Logf("%s: %v", s.path, err)
		}
		return ""
	}
	return res.Markdown
}

func addScores(sc *scores, got, want string) {
	sc.n++
	sc.f1 += tokenF1(got, want)
	sc.edit += editSimilarity(got, want, editCap)
	if v, ok := tableScore(got, want); ok {
		sc.table += v
		sc.tables++
	}
	if v, ok := headingScore(got, want); ok {
		sc.head += v
		sc.headingsOK++
	}
}

// TestScoreMetrics pins the Go metrics to values score.py computes.
func TestScoreMetrics(t *testing.T) {
	tests := []struct {
		name      string
		got, want string
		f1, edit  float64
	}{
		{"same", "# Title\n\nSome text", "Title\n\nSome text", 1, 1},
		{"empty both", "", "", 1, 1},
		{"one empty", "", "word", 0, 0},
		{"half", "a b", "a b c d", 2 * (1.0 * 0.5) / 1.5, 2 * 3.0 / 10},
		{"link reduced", "[Go](http://golang.org/) is", "Go is", 1, 1},
	}
	for _, tt := range tests {
		if f1 := tokenF1(tt.got, tt.want); fmt.Sprintf("%.4f", f1) != fmt.Sprintf("%.4f", tt.f1) {
			t.Errorf("%s: f1 = %.4f, want %.4f", tt.name, f1, tt.f1)
		}
		if e := editSimilarity(tt.got, tt.want, editCap); fmt.Sprintf("%.4f", e) != fmt.Sprintf("%.4f", tt.edit) {
			t.Errorf("%s: edit = %.4f, want %.4f", tt.name, e, tt.edit)
		}
	}
	// difflib.SequenceMatcher(None, "abxcd", "abcd", autojunk=False).ratio() == 0.888…
	if r := ratio([]rune("abxcd"), []rune("abcd")); fmt.Sprintf("%.4f", r) != "0.8889" {
		t.Errorf("ratio = %.4f, want 0.8889", r)
	}
	table := "| A | B |\n|---|---|\n| 1 | 2 |\n"
	if v, _ := tableScore("A B\n1 2", table); v != 1 {
		t.Errorf("table rows on one line each: %v, want 1", v)
	}
	if v, _ := tableScore("A\nB\n1\n2", table); v != 0 {
		t.Errorf("table cells split over lines: %v, want 0", v)
	}
	if v, _ := headingScore("Title\n=====\n\n## Part two", "# Title\n\n## Part Two\n\n## Other"); fmt.Sprintf("%.3f", v) != "0.667" {
		t.Errorf("headings = %.3f, want 0.667", v)
	}
}
