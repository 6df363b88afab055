// Package export writes what leaves Curatore for a retrieval index: ZIP
// archives of documents (individual, combined, RAG-ready) with a manifest,
// and chunk records as JSON Lines. Everything is streamed to an io.Writer
// as it is built — one document's Markdown in memory at a time, no
// temporary files — from an iterator over document versions (Refs) and a
// Loader that fetches each one's Markdown. It touches no database and no
// HTTP itself.
package export

import (
	"context"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/pipeline"
)

// Ref is one document version to export, with what the manifest and the
// chunk records say about it. It is small: a list of refs stands for the
// documents, their Markdown is loaded one at a time.
type Ref struct {
	DocumentID string
	Filename   string // the source file's name
	Source     string // "upload" or the SharePoint URL it came from
	Version    int    // the version number exported (the current one)
	Quality    Quality
}

// Quality is a document's latest verdict: RAG-ready, the scores and the
// reason codes of failed checks.
type Quality struct {
	RAGReady        bool     `json:"rag_ready"`
	Scores          Scores   `json:"scores"`
	ReasonCodes     []string `json:"reason_codes"`
	VectorOptimized bool     `json:"vector_optimized"`
}

// Scores are the conversion score (0–100) and the LLM review's scores
// (1–10, null when there was no completed review).
type Scores struct {
	Conversion   *float64 `json:"conversion"`
	Clarity      *float64 `json:"clarity"`
	Completeness *float64 `json:"completeness"`
	Relevance    *float64 `json:"relevance"`
	Markdown     *float64 `json:"markdown"`
}

// QualityOf reads a pipeline result; nil (never processed) is not
// RAG-ready, with reason code "not_processed".
func QualityOf(r *pipeline.Result) Quality {
	if r == nil {
		return Quality{ReasonCodes: []string{"not_processed"}}
	}
	q := Quality{
		RAGReady:        r.PassAllThresholds,
		ReasonCodes:     append([]string{}, r.ReasonCodes...),
		VectorOptimized: r.VectorOptimized,
	}
	q.Scores.Conversion = ptr(r.ConversionScore)
	if e := r.LLMEvaluation; e != nil && e.Status == "completed" {
		q.Scores.Clarity = ptr(e.ClarityScore)
		q.Scores.Completeness = ptr(e.CompletenessScore)
		q.Scores.Relevance = ptr(e.RelevanceScore)
		q.Scores.Markdown = ptr(e.MarkdownScore)
	}
	return q
}

func ptr(v float64) *float64 { return &v }

// Refs yields the document versions to export, in order, calling each for
// every one; it stops at, and returns, the first error each returns. An
// export may call it more than once.
type Refs func(ctx context.Context, each func(Ref) error) error

// RefList is Refs over a slice.
func RefList(refs []Ref) Refs {
	return func(_ context.Context, each func(Ref) error) error {
		for _, r := range refs {
			if err := each(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// Loader fetches the Markdown and page map of a document version.
type Loader interface {
	Load(ctx context.Context, ref Ref) (markdown string, pages []format.Page, err error)
}

// LoaderFunc adapts a function to Loader.
type LoaderFunc func(ctx context.Context, ref Ref) (string, []format.Page, error)

// Load calls f.
func (f LoaderFunc) Load(ctx context.Context, ref Ref) (string, []format.Page, error) {
	return f(ctx, ref)
}
