// Package extract turns documents into Markdown: bytes and a declared name
// or media type in, Markdown and metadata out. It is pure (no database, no
// HTTP server) and is used by the workers and by "curatore extract".
//
// The pieces:
//
//   - Native is the engine of our own: it sniffs the real type of the bytes
//     (a lying extension is noticed), applies the per-document deadline and
//     size limit, turns panics into a corrupt error, and hands the bytes to
//     the converter of that type (pdf, office, web, ocr, or the plain text
//     and Markdown handling in this package).
//   - The Docling Serve and extraction-service clients in package remote are
//     engines beside it (DoclingEngine, ServiceEngine); they are adapted
//     here so that package remote does not import this one.
//   - Extractor runs the engines in the order EXTRACTION_PRIORITY asks for,
//     retries only transient failures with backoff, falls back to the next
//     engine otherwise, and records every attempt in the Result.
//
// Text decoding uses golang.org/x/text (UTF-16 with and without a byte order
// mark, windows-1252 for legacy 8-bit text) so the output is always UTF-8.
// Markdown input passes through, normalised (line ends, trailing spaces,
// blank-line runs outside code fences); plain text keeps its lines, with
// characters escaped that Markdown would read as structure.
//
// The converters of other packages are wired in the converters table of
// native.go, one line per format.
package extract

import (
	"context"
	"encoding/json"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// Input is one document to convert.
type Input struct {
	// Name is the file name as uploaded; its extension is a hint only.
	Name string
	// ContentType is the declared media type, if any (a hint only).
	ContentType string
	// Data is the whole document.
	Data []byte
}

// Result is a converted document and how it was obtained.
type Result struct {
	Markdown  string        `json:"markdown"`
	Engine    string        `json:"engine"`
	Method    string        `json:"method"`
	PageCount int           `json:"page_count"`
	OCRUsed   bool          `json:"ocr_used"`
	Chars     int           `json:"chars"`
	Warnings  []string      `json:"warnings"`
	Pages     []format.Page `json:"pages,omitempty"`
	// SourceChars: characters in the source's own text runs, for a
	// document without pages (format.Output.SourceChars).
	SourceChars int `json:"source_chars,omitempty"`
	// Declared is the structure the source declares (format.Output.Declared).
	Declared *format.Structure `json:"declared_structure,omitempty"`
	Attempts []Attempt         `json:"attempts,omitempty"`
	Duration time.Duration     `json:"-"`
}

// MarshalJSON writes Duration as whole milliseconds ("duration_ms") and
// no warnings as [] rather than null.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}{plain(r), r.Duration.Milliseconds()})
}

// Attempt records one engine run: which engine, how long, how many retries
// and, when it failed, why.
type Attempt struct {
	Engine   string        `json:"engine"`
	OK       bool          `json:"ok"`
	Code     format.Code   `json:"code,omitempty"`
	Error    string        `json:"error,omitempty"`
	Retries  int           `json:"retries,omitempty"`
	Duration time.Duration `json:"-"`
}

// MarshalJSON writes Duration as whole milliseconds ("duration_ms").
func (a Attempt) MarshalJSON() ([]byte, error) {
	type plain Attempt
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}{plain(a), a.Duration.Milliseconds()})
}

// Engine converts documents. Engines return *format.Error values (or errors
// wrapping them) so that callers can tell a corrupt file from an outage.
type Engine interface {
	Name() string
	Extract(ctx context.Context, in Input, opts format.Options) (*Result, error)
}

// Engine names as used in EXTRACTION_PRIORITY.
const (
	EngineNative  = "native"
	EngineDocling = "docling"
	EngineService = "default" // the reference's extraction service
	EngineAuto    = "auto"
)

// newResult fills a Result from converter output.
func newResult(engine string, out format.Output) *Result {
	return &Result{
		Markdown:  out.Markdown,
		Engine:    engine,
		Method:    out.Method,
		PageCount: out.PageCount,
		OCRUsed:   out.OCRUsed,
		Chars:     len([]rune(out.Markdown)),
		Warnings:  out.Warnings,
		Pages:     out.Pages,

		SourceChars: out.SourceChars,
		Declared:    out.Declared,
	}
}
