// Package pdf converts PDF documents to Markdown.
//
// # Engine
//
// Parsing, font decoding and rendering are done by PDFium (the PDF engine of
// Chromium) compiled to WebAssembly and run by the pure-Go wazero runtime,
// through github.com/klippa-app/go-pdfium's webassembly implementation. We
// chose it over the pure-Go parsers (ledongthuc/pdf, rsc.io/pdf, pdfcpu)
// because text extraction quality is decided by font handling: PDFium maps
// ToUnicode CMaps, standard and custom encodings, Type 3 and CID fonts to
// real characters, repairs broken cross-reference tables, and knows every
// character's box, font size and font; it also renders pages, which the OCR
// path needs. The pure-Go parsers lose text on many real files and cannot
// render. Poppler through cgo would be as good but would put cgo in the
// default build. The costs, and how they are contained:
//   - Compiling the 5.8 MB WebAssembly module takes ~3 s of CPU (on all
//     cores: ~1.7 s on two); the machine code
//     is cached on disk (os.UserCacheDir()/curatore/wazero, or
//     $CURATORE_CACHE_DIR), so later processes start in ~80 ms of CPU.
//   - go-pdfium's typed API allocates in the guest and in Go on every call;
//     the per-character path calls PDFium's exports directly (direct.go),
//     which made text extraction ~3x faster. go-pdfium still owns instance
//     pooling and rendering.
//   - wazero interrupts running WebAssembly only at a cost of a goroutine
//     per call, so deadlines are enforced around the engine instead: Convert
//     returns at the deadline and the abandoned work stops at the next page.
//   - Each instance's memory is capped (1 GiB) and at most four run at once.
//   - An instance runs on one core, so a long document is read by several
//     instances at once when the pool has spare ones (parallel.go).
//
// # Layout analysis
//
// PDFium gives characters; the structure is ours, in separate steps:
// chars.go reads characters with their boxes and fonts (once per word) and
// sets rotated margin notes aside; objects.go finds images and vertical
// ruling lines; layout.go groups characters into segments (split at wide
// gaps and rules, ligatures mapped) and lines; furniture.go drops running
// headers, footers and page numbers (text repeating at a page edge, keyed
// by digits-folded text and type size); columns.go puts multi-column pages
// in reading order (gutter search, recursively); table.go finds tables from
// column alignment; blocks.go builds paragraphs (breaks from white space
// relative to the column's leading, indents and short lines; hyphenation
// repaired), lists and code blocks; heading.go ranks headings by font size
// and weight relative to the body text; markdown.go writes the result with
// package format's helpers.
//
// # OCR
//
// A page with an image whose text layer is empty, garbage (mostly unmapped
// glyphs or few letters), or almost empty under a page-sized image is
// rendered at 300 dpi in grayscale and recognised by package ocr (which
// corrects orientation); other pages are not. Without Tesseract the result
// carries a warning and the ocr_unavailable error.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/tetratelabs/wazero/api"

	"github.com/curatore/curatore/internal/extract/format"
)

// Convert turns a PDF into Markdown.
func Convert(ctx context.Context, data []byte, opts format.Options) (format.Output, error) {
	opts = opts.WithDefaults()
	if !looksLikePDF(data) {
		return format.Output{}, format.Errorf(format.CodeCorrupt, "not a PDF file (no %%PDF header)")
	}
	if err := ctx.Err(); err != nil {
		return format.Output{}, timeoutError(err)
	}
	inst, err := instance(waitFor(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return format.Output{}, timeoutError(ctx.Err())
		}
		return format.Output{}, fmt.Errorf("pdf: start PDFium: %w", err)
	}
	return convertGuarded(ctx, inst, data, opts)
}

// convertGuarded runs the conversion in its own goroutine so that Convert
// returns when the deadline passes even if PDFium is inside a long call.
// (wazero can interrupt running WebAssembly only when built with
// WithCloseOnContextDone, which costs a goroutine per call: far too slow
// for one call per character.) The conversion checks ctx between pages and
// stops soon after; its instance then goes back to the pool. A panic (a
// PDFium trap, or a bug of ours) becomes a corrupt error and the instance
// is discarded.
func convertGuarded(ctx context.Context, inst pdfium.Pdfium, data []byte, opts format.Options) (format.Output, error) {
	out, err := format.Guard(ctx, "PDF engine failure", func() (format.Output, error) {
		out, err := convertWith(ctx, inst, data, opts)
		inst.Close()
		return out, err
	}, func(any) { inst.Kill() })
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return format.Output{}, timeoutError(err)
	}
	return out, err
}

func waitFor(ctx context.Context) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return max(time.Until(dl), time.Millisecond)
	}
	return 10 * time.Minute
}

func looksLikePDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

func timeoutError(err error) error {
	return &format.Error{Code: format.CodeTimeout, Detail: "PDF conversion did not finish in time", Err: err}
}

// convertWith runs the whole conversion on one PDFium instance.
func convertWith(ctx context.Context, inst pdfium.Pdfium, data []byte, opts format.Options) (format.Output, error) {
	r, err := newRaw(inst)
	if err != nil {
		return format.Output{}, fmt.Errorf("pdf: %w", err)
	}
	defer r.close()
	doc, buf, code := r.loadDocument(data)
	if doc == 0 {
		return format.Output{}, openError(code)
	}
	defer func() {
		r.call("FPDF_CloseDocument", doc)
		r.call("free", uint64(buf))
	}()
	var out format.Output
	n := int(api.DecodeI32(r.call("FPDF_GetPageCount", doc)))
	out.PageCount = n
	if n > opts.MaxPages {
		out.Warnings = append(out.Warnings, fmt.Sprintf("document has %d pages; only the first %d were converted", n, opts.MaxPages))
		n = opts.MaxPages
	}
	pages, warnings, done, err := readPages(ctx, r, doc, data, n, opts)
	if err != nil {
		if ctx.Err() != nil {
			return format.Output{}, timeoutError(ctx.Err())
		}
		return format.Output{}, err
	}
	out.Warnings = append(out.Warnings, warnings...)
	outline := readOutline(r, doc)
	if err := ocrPages(ctx, inst, data, pages, opts, &out, done, n); err != nil {
		return out, err
	}
	return finish(pages, outline, out)
}

// PDFium's FPDF_GetLastError codes that mean "encrypted".
const (
	errPassword = 4
	errSecurity = 5
)

// openError maps PDFium's open failure codes to coded errors.
func openError(code int) error {
	switch code {
	case errPassword, errSecurity:
		return format.Errorf(format.CodeEncrypted, "the PDF is encrypted and needs a password")
	case -1:
		return format.Errorf(format.CodeTooLarge, "the PDF does not fit in the engine's memory")
	default:
		return format.Errorf(format.CodeCorrupt, "cannot open PDF (PDFium error %d)", code)
	}
}

// page is what one page contributes: its lines from the text layer, or
// its OCR text.
type page struct {
	index     int
	lines     []line
	height    float64
	width     float64
	chars     int // characters in the page's text layer (not white space)
	needsOCR  bool
	ocrText   string
	ocrConf   float64 // Tesseract's mean word confidence, when OCR'd
	ocrFailed bool
	declared  format.Structure // what a tagged page's structure tree declares
	tagged    bool
}

// readPage loads page i and reads its text layer.
func readPage(r *raw, doc uint64, i int) (page, bool) {
	pg := r.call("FPDF_LoadPage", doc, uint64(i))
	if uint32(pg) == 0 {
		return page{}, false
	}
	defer r.call("FPDF_ClosePage", pg)
	h := float64(api.DecodeF32(r.call("FPDF_GetPageHeightF", pg)))
	if !sane(h) {
		h = 0
	}
	w := float64(api.DecodeF32(r.call("FPDF_GetPageWidthF", pg)))
	gs := pageGlyphs(r, pg, h)
	p := page{index: i, height: h, width: w, chars: textLayerChars(gs)}
	p.declared, p.tagged = pageStructure(r, pg)
	image, rules := pageObjects(r, pg, w, h)
	if needsOCR(gs, image) {
		p.needsOCR = true
		return p, true
	}
	p.lines = buildLines(segments(dropRotated(gs), rules))
	return p, true
}

// textLayerChars counts the characters of a page's text layer that are not
// white space: what the conversion score compares the output with.
func textLayerChars(gs []glyph) int {
	n := 0
	for _, g := range gs {
		if !g.space && !g.newline && !unicode.IsSpace(g.r) {
			n++
		}
	}
	return n
}
