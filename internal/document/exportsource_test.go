package document_test

import (
	"slices"
	"testing"

	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/pipeline"
)

func TestExportRef(t *testing.T) {
	no := false
	doc := document.Document{ID: "d1", Filename: "a.pdf", CurrentVersion: 3, RAGReady: false, RAGOverride: &no,
		SourceURL: "https://contoso.sharepoint.com/sites/x/a.pdf"}
	res := &document.StoredResult{Result: pipeline.Result{ConversionScore: 91, PassAllThresholds: true, ReasonCodes: []string{"low_clarity"}}}
	r := document.ExportRef(doc, res)
	if r.DocumentID != "d1" || r.Filename != "a.pdf" || r.Version != 3 {
		t.Errorf("ref = %+v", r)
	}
	if r.Source != doc.SourceURL {
		t.Errorf("source = %q, want the SharePoint URL", r.Source)
	}
	if r.Quality.RAGReady {
		t.Error("the override (not ready) did not win over the result")
	}
	if !slices.Equal(r.Quality.ReasonCodes, []string{"low_clarity", "rag_override"}) {
		t.Errorf("reason codes = %v", r.Quality.ReasonCodes)
	}
	if r.Quality.Scores.Conversion == nil || *r.Quality.Scores.Conversion != 91 {
		t.Errorf("conversion score = %v", r.Quality.Scores.Conversion)
	}

	up := document.ExportRef(document.Document{ID: "d2", CurrentVersion: 1}, nil)
	if up.Source != "upload" || !slices.Equal(up.Quality.ReasonCodes, []string{"not_processed"}) {
		t.Errorf("uploaded, never processed: %+v", up)
	}
}
