package pdf

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/ocr"
)

// ocrDPI is the resolution pages are rendered at for OCR; Tesseract is
// most accurate around 300 dpi.
const ocrDPI = 300

// maxOCRPixels bounds a rendered page (about A3 at 300 dpi) so a page with
// absurd dimensions cannot exhaust memory.
const maxOCRPixels = 5000 * 7000

// recognize OCRs one page image (orientation is detected and corrected by
// package ocr) and returns its text and mean word confidence (0–100). It is
// a variable so tests can replace it.
var recognize = func(ctx context.Context, img []byte, opts format.Options) (string, float64, error) {
	pages, err := ocr.RecognizePages(ctx, img, ocr.OptionsFrom(opts), nil)
	if err != nil || len(pages) == 0 {
		return "", 0, err
	}
	return pages[0].Text, pages[0].Confidence, nil
}

// ocrAvailable reports whether OCR can run, as a coded error when not.
var ocrAvailable = func(opts format.Options) error {
	return ocr.Available(ocr.OptionsFrom(opts))
}

// scanCoverage is the share of the page one image must cover for the page
// to count as a scan.
const scanCoverage = 0.6

// minText is the fewest characters a text layer needs to count as one.
const minText = 10

// sparseText is the most characters a scanned page's own text layer may
// hold (a stamped page number, a scanner's header) and still be OCR'd.
const sparseText = 50

// needsOCR decides whether a page is OCR'd: its text layer is mostly
// unmapped glyphs (fonts without Unicode mapping still render right), or
// it has an image and a text layer that is empty, garbage (few letters),
// or almost empty while the image covers most of the page. A blank page,
// or a page of code or symbols without an image, is not.
func needsOCR(gs []glyph, image float64) bool {
	n, bad := 0, 0
	for _, g := range gs {
		if g.space || g.newline {
			continue
		}
		n++
		if unmapped(g.r) {
			bad++
		}
	}
	switch {
	case n >= minText && bad*10 > n*3:
		return true
	case image <= 0:
		return false
	}
	return garbage(gs) || (image >= scanCoverage && n < sparseText)
}

// unmapped reports whether r is what PDFium reports for a glyph it could
// not map to Unicode.
func unmapped(r rune) bool {
	return r == 0 || r == unicode.ReplacementChar || (r >= 0xE000 && r <= 0xF8FF) || r < 0x20
}

// garbage reports whether a page's text layer is empty or unusable: almost
// no characters, mostly unmapped glyphs, or few letters.
func garbage(gs []glyph) bool {
	var all, bad, letters int
	for _, g := range gs {
		if g.space || g.newline {
			continue
		}
		all++
		switch {
		case unmapped(g.r):
			bad++
		case unicode.IsLetter(g.r) || unicode.IsDigit(g.r):
			letters++
		}
	}
	if all < minText {
		return true
	}
	return bad*10 > all*3 || letters*2 < all
}

// ocrPages renders and OCRs the pages that need it. When OCR is needed but
// unavailable, the output gets a warning and the error is returned. done
// is the number of pages finished so far and total the number to convert,
// for opts.Progress.
func ocrPages(ctx context.Context, inst pdfium.Pdfium, data []byte, pages []page, opts format.Options, out *format.Output, done, total int) error {
	var need []int
	for i, p := range pages {
		if p.needsOCR {
			need = append(need, i)
		}
	}
	if len(need) == 0 {
		return nil
	}
	if err := ocrAvailable(opts); err != nil {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d page(s) need OCR but OCR is unavailable: %v", len(need), err))
		return err
	}
	// Rendering goes through go-pdfium's API, which keeps its own handle
	// on the document.
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		return &format.Error{Code: format.CodeCorrupt, Detail: "cannot reopen PDF for rendering", Err: err}
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	for _, i := range need {
		if err := ctx.Err(); err != nil {
			return timeoutError(err)
		}
		img, err := renderPNG(inst, doc.Document, pages[i].index)
		if err == nil {
			pages[i].ocrText, pages[i].ocrConf, err = recognize(ctx, img, opts)
		}
		done++
		opts.Report(done, total)
		if err != nil {
			if ctx.Err() != nil {
				return timeoutError(ctx.Err())
			}
			out.Warnings = append(out.Warnings, fmt.Sprintf("page %d: OCR failed: %v", pages[i].index+1, err))
			pages[i].ocrFailed = true
			continue
		}
		out.OCRUsed = true
		if pages[i].ocrText != "" && pages[i].ocrConf < minOCRConfidence {
			out.Warnings = append(out.Warnings, fmt.Sprintf("page %d: OCR text left out: its mean word confidence is %.0f, below %d (a picture rather than text)",
				pages[i].index+1, pages[i].ocrConf, minOCRConfidence))
			pages[i].ocrText = ""
		}
	}
	return nil
}

// minOCRConfidence is the mean word confidence below which what Tesseract
// read on a page is left out: on pictures and decorative backgrounds it
// reads letter-like shapes at 10–35, on poor scans of text still at 60 or
// more.
const minOCRConfidence = 40

// renderPNG renders page i in grayscale at ocrDPI (less when the page is
// huge) and encodes it as PNG.
func renderPNG(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) ([]byte, error) {
	ref := requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: i}}
	dpi := ocrDPI
	if sz, err := inst.GetPageSize(&requests.GetPageSize{Page: ref}); err == nil {
		px := sz.Width * sz.Height * float64(dpi*dpi) / (72 * 72)
		for px > maxOCRPixels && dpi > 50 {
			dpi -= 25
			px = sz.Width * sz.Height * float64(dpi*dpi) / (72 * 72)
		}
	}
	res, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{Page: ref, DPI: dpi, ImageFormat: requests.RenderImageFormatGrayscale})
	if err != nil {
		return nil, err
	}
	defer res.Cleanup()
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, res.Result.RenderedImage); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
