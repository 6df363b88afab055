// Package format is the common ground of every format converter under
// internal/extract: the options they accept, the output they produce, the
// coded errors they return, and the Markdown writing helpers they share.
//
// It is a leaf package (standard library only) so that the per-format
// packages (pdf, office, web, ocr, …) and the dispatcher in package extract
// can all depend on it without import cycles.
package format

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Options tune one conversion. The zero value is usable: every field has a
// sensible default applied by WithDefaults.
type Options struct {
	// OCRLang is the Tesseract language list, e.g. "eng" or "eng+deu" (OCR_LANG).
	OCRLang string
	// OCRPSM is the Tesseract page segmentation mode (OCR_PSM); 0 means default (3).
	OCRPSM int
	// TesseractPath is the tesseract binary; empty means look it up on PATH (TESSERACT_PATH).
	TesseractPath string
	// SofficePath is the LibreOffice binary for legacy .doc/.xls/.ppt; empty means look it up.
	SofficePath string
	// MaxPages bounds how many pages of a paged document are converted; 0 means 10000.
	MaxPages int
	// MaxUncompressed bounds how many bytes may be inflated from an archive
	// (OOXML zip members); 0 means 512 MiB. Protects against zip bombs.
	MaxUncompressed int64
	// Timeout bounds one document (EXTRACTION_TIMEOUT); 0 means 120 s. The
	// dispatcher applies it through the context; converters must honour ctx.
	Timeout time.Duration
	// Progress, when set, is told how many pages (slides, sheets, frames)
	// are done out of how many, as a paged converter works through them.
	// It is called from the converting goroutine and must be quick.
	Progress func(done, total int)
}

// Report calls o.Progress when it is set.
func (o Options) Report(done, total int) {
	if o.Progress != nil {
		o.Progress(done, total)
	}
}

// WithDefaults returns o with zero fields replaced by their defaults.
func (o Options) WithDefaults() Options {
	if o.OCRLang == "" {
		o.OCRLang = "eng"
	}
	if o.OCRPSM == 0 {
		o.OCRPSM = 3
	}
	if o.MaxPages == 0 {
		o.MaxPages = 10000
	}
	if o.MaxUncompressed == 0 {
		o.MaxUncompressed = 512 << 20
	}
	if o.Timeout == 0 {
		o.Timeout = 120 * time.Second
	}
	return o
}

// Output is what a converter produces for one document.
type Output struct {
	Markdown  string
	Method    string // how the text was obtained, e.g. "text-layer", "ocr", "text-layer+ocr", "ooxml"
	PageCount int    // pages, slides or sheets; 0 when the format has none
	OCRUsed   bool
	Warnings  []string
	// SourceChars is how many characters (not white space) a document
	// without pages holds in its own structure (DOCX text runs); 0 when
	// unknown or when Pages carry the counts.
	SourceChars int
	// Declared is the structure the source declares in its own markup
	// (heading styles, numbered paragraphs, tables, slide titles), counted
	// apart from the conversion; nil when the format does not say.
	Declared *Structure
	// Pages says where each page (PDF page, slide, sheet) starts in
	// Markdown, in order; empty when the format has no pages. Chunk
	// provenance and per-page conversion scores read it.
	Pages []Page
}

// Structure counts headings, list items and tables.
type Structure struct {
	Headings  int `json:"headings"`
	ListItems int `json:"list_items"`
	Tables    int `json:"tables"`
}

// Page is one page of the source within the Markdown output.
type Page struct {
	Number int `json:"number"` // 1-based page, slide or sheet number
	Start  int `json:"start"`  // byte offset in Markdown where the page begins
	// Chars is how many characters the source page holds in its own text
	// layer or structure (PDF text layer, OOXML text runs); -1 when unknown.
	// The conversion score compares it with what was emitted.
	Chars int  `json:"chars"`
	OCR   bool `json:"ocr,omitempty"` // the page's text came from OCR
	// OCRConfidence is Tesseract's mean word confidence (0–100) when OCR ran.
	OCRConfidence float64 `json:"ocr_confidence,omitempty"`
}

// Code is a stable, machine-readable reason for a failed conversion.
type Code string

// The error codes a converter may return.
const (
	CodeUnsupported      Code = "unsupported_format"
	CodeEncrypted        Code = "encrypted"
	CodeCorrupt          Code = "corrupt"
	CodeTooLarge         Code = "too_large"
	CodeTimeout          Code = "timeout"
	CodeOCRUnavailable   Code = "ocr_unavailable"
	CodeNeedsLibreOffice Code = "needs_libreoffice"
	CodeEmpty            Code = "empty"
	// CodeEngineUnavailable: the extraction engine asked for is not configured.
	CodeEngineUnavailable Code = "engine_unavailable"
)

// Error is a conversion failure with a stable code.
type Error struct {
	Code   Code
	Detail string
	Err    error // optional cause
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Detail, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a formatted detail.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, CodeTimeout for context deadline errors,
// or "" when err carries none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeTimeout
	}
	return ""
}

// Table renders rows as a GFM pipe table. The first row is the header. Cells
// are trimmed, inner newlines become spaces (or <br> is not used: RAG indexes
// want plain text) and pipes are escaped. Short rows are padded. An empty
// input gives "".
func Table(rows [][]string) string {
	if len(rows) == 0 {
		return ""
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	if width == 0 {
		return ""
	}
	var b strings.Builder
	writeRow := func(r []string) {
		b.WriteString("|")
		for i := 0; i < width; i++ {
			cell := ""
			if i < len(r) {
				cell = TableCell(r[i])
			}
			b.WriteString(" ")
			b.WriteString(cell)
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	writeRow(rows[0])
	b.WriteString("|")
	for i := 0; i < width; i++ {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows[1:] {
		writeRow(r)
	}
	return b.String()
}

// TableCell makes s safe inside one GFM table cell.
func TableCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// Heading renders a level-n ATX heading (n is clamped to 1..6).
func Heading(level int, text string) string {
	level = min(max(level, 1), 6)
	return strings.Repeat("#", level) + " " + strings.Join(strings.Fields(text), " ")
}

// Tidy normalises a finished Markdown document: trailing spaces removed,
// runs of blank lines collapsed to one, one final newline.
func Tidy(md string) string {
	out, _ := TidyMapped(md, nil)
	return out
}
