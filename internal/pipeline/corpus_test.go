package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract"
)

// corpusDir holds the shared sample documents with reference conversions.
var corpusDir = func() string {
	if d := os.Getenv("CURATORE_CORPUS"); d != "" {
		return d
	}
	return "/work/shared/testdata/extraction"
}()

// TestCorpusScores checks the conversion score against reality: the sample
// corpus converts faithfully (the extraction quality tests say so), so
// every file must score at least 90, with its coverage measured wherever
// the format declares its own text (OCR confidence for scans and images).
func TestCorpusScores(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*"))
	if len(files) == 0 {
		t.Skip("no corpus")
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".expected.md") {
			continue
		}
		data, _ := os.ReadFile(f)
		res, err := extract.Native{}.Extract(context.Background(), extract.Input{Name: f, Data: data}, extract.Config{}.Options())
		if err != nil {
			continue // OCR may be missing here; the extraction tests cover failures
		}
		cr := ScoreConversion(res.Markdown, SourceFacts{Pages: res.Pages, Chars: res.SourceChars, Declared: res.Declared}, "native")
		if cr.ConversionScore < 90 {
			t.Errorf("%s scores %.1f: %q", filepath.Base(f), cr.ConversionScore, cr.ConversionNotes)
		}
		ext := filepath.Ext(f)
		measured := signal(cr, "text_coverage")
		if res.OCRUsed {
			measured = signal(cr, "ocr_confidence") // a scan has no text of its own
		}
		if measured.Weight == 0 && (ext == ".pdf" || ext == ".docx" || ext == ".pptx" || ext == ".xlsx" || res.OCRUsed) {
			t.Errorf("%s: %s not measured: %s", filepath.Base(f), measured.Name, measured.Reason)
		}
	}
}

// TestCorpusScoreFindsLostPage cuts one page's text out of a real
// conversion: the score drops and the result names the page.
func TestCorpusScoreFindsLostPage(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "pdf", "docling_multi_page.pdf"))
	if err != nil {
		t.Skip(err)
	}
	res, err := extract.Native{}.Extract(context.Background(), extract.Input{Name: "a.pdf", Data: data}, extract.Config{}.Options())
	if err != nil {
		t.Fatal(err)
	}
	clean := ScoreConversion(res.Markdown, SourceFacts{Pages: res.Pages}, "native")
	p := res.Pages
	cut := p[3].Start - p[2].Start // page 3 disappears
	md := res.Markdown[:p[2].Start] + res.Markdown[p[3].Start:]
	pages := append([]PageRef(nil), p...)
	for i := 3; i < len(pages); i++ {
		pages[i].Start -= cut
	}
	lossy := ScoreConversion(md, SourceFacts{Pages: pages}, "native")
	if lossy.ConversionScore >= clean.ConversionScore-5 || lossy.Pages[2].Score != 0 {
		t.Errorf("clean %.1f, page 3 lost %.1f, page scores %+v", clean.ConversionScore, lossy.ConversionScore, lossy.Pages)
	}
	if notes := strings.Join(lossy.ConversionNotes, "|"); !strings.Contains(notes, "page 3") {
		t.Errorf("notes %q do not name page 3", notes)
	}
}

// TestCorpusScoresPrint logs every sample's score and signals (go test -v).
func TestCorpusScoresPrint(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("verbose only")
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*"))
	for _, f := range files {
		if strings.HasSuffix(f, ".expected.md") {
			continue
		}
		data, _ := os.ReadFile(f)
		res, err := extract.Native{}.Extract(context.Background(), extract.Input{Name: f, Data: data}, extract.Config{}.Options())
		if err != nil {
			t.Logf("%-42s %v", filepath.Base(f), err)
			continue
		}
		cr := ScoreConversion(res.Markdown, SourceFacts{Pages: res.Pages, Chars: res.SourceChars, Declared: res.Declared}, "native")
		var sig []string
		for _, s := range cr.Signals {
			if s.Weight > 0 {
				sig = append(sig, fmt.Sprintf("%s=%.3g→%.0f", s.Name, s.Value, s.Score))
			}
		}
		t.Logf("%-42s %5.1f %s", filepath.Base(f), cr.ConversionScore, strings.Join(sig, " "))
	}
}
