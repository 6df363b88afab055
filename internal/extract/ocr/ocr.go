// Package ocr recognises text in images with Tesseract.
//
// Library choices:
//
//   - Tesseract is run as a program (os/exec), the one Debian ships as
//     tesseract-ocr, rather than linked through cgo (gosseract): the default
//     build stays free of cgo, a crash inside Tesseract or Leptonica cannot
//     take the server down, and the process is killed when the context ends.
//     Images go in on stdin and text comes out on stdout, so no temporary
//     files are needed.
//   - Recognition asks for TSV output, which carries a confidence per word.
//     A page that reads with high confidence is done in one run. Otherwise
//     the orientation is detected with Tesseract's orientation and script
//     detection (--psm 0, the tesseract-ocr-osd data), the page is turned in
//     Go and read again, and the better of the two readings (confidence ×
//     words) is kept: a plain Tesseract call reads a page turned by 90° or
//     180° as garbage. Running OSD only when needed halves the cost for the
//     common upright page. When OSD is not installed or finds too little
//     text, the page is taken as upright.
//   - Small print (screenshots, low-resolution scans) is enlarged in Go
//     (golang.org/x/image/draw, Catmull-Rom) towards the word height
//     Tesseract reads best, read again, and again the better reading kept;
//     the TSV word boxes tell how small the print is.
//   - Images are decoded in Go (standard library plus golang.org/x/image for
//     TIFF, BMP and WebP) only when needed: to rotate a page, to split a
//     multi-frame TIFF, and for GIF and WebP, which not every Leptonica build
//     reads. Tesseract then gets a PNG. Decoding checks the pixel count first,
//     so a small file claiming a huge canvas is refused before it is inflated.
package ocr

import (
	"context"
	"fmt"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// Options configure Tesseract.
type Options struct {
	// TesseractPath is the tesseract binary; empty means "tesseract" on PATH.
	TesseractPath string
	// Lang is the language list, e.g. "eng" or "eng+deu"; empty means "eng".
	Lang string
	// PSM is the page segmentation mode; 0 means 3 (fully automatic).
	PSM int
	// MaxFrames bounds how many frames of a multi-frame TIFF are recognised;
	// 0 means 10000.
	MaxFrames int
}

// OptionsFrom takes the OCR settings out of conversion options.
func OptionsFrom(o format.Options) Options {
	o = o.WithDefaults()
	return Options{TesseractPath: o.TesseractPath, Lang: o.OCRLang, PSM: o.OCRPSM, MaxFrames: o.MaxPages}
}

func (o Options) withDefaults() Options {
	if o.TesseractPath == "" {
		o.TesseractPath = "tesseract"
	}
	if o.Lang == "" {
		o.Lang = "eng"
	}
	if o.PSM == 0 {
		o.PSM = 3
	}
	if o.MaxFrames <= 0 {
		o.MaxFrames = 10000
	}
	return o
}

// Available returns nil when tesseract can be run, else a *format.Error with
// CodeOCRUnavailable.
func Available(opts Options) error {
	_, err := findTesseract(opts.withDefaults())
	return err
}

// Recognize OCRs one image (PNG/JPEG/TIFF/BMP/GIF/WebP bytes). It detects page
// orientation (0/90/180/270) and corrects it before recognition. Returns plain
// text with paragraphs separated by blank lines. Every frame of a multi-frame
// TIFF is recognised, in order.
func Recognize(ctx context.Context, img []byte, opts Options) (string, error) {
	pages, err := RecognizePages(ctx, img, opts, nil)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, p := range pages {
		if p.Text != "" {
			parts = append(parts, p.Text)
		}
	}
	return strings.Join(parts, "\n\n"), nil
}

// PageText is the text recognised on one page (frame) of an image, with
// Tesseract's mean word confidence (0–100).
type PageText struct {
	Text       string
	Confidence float64
}

// RecognizePages is Recognize page by page: one entry per frame, in order,
// with its confidence. progress (may be nil) is told after each frame how
// many are done out of how many.
func RecognizePages(ctx context.Context, img []byte, opts Options, progress func(done, total int)) ([]PageText, error) {
	opts = opts.withDefaults()
	bin, err := findTesseract(opts)
	if err != nil {
		return nil, err
	}
	pages, err := pagesOf(img, opts.MaxFrames)
	if err != nil {
		return nil, err
	}
	out := make([]PageText, 0, len(pages))
	for i := range pages {
		// Each page is decoded in a copy that is dropped after reading it.
		p := pages[i]
		if err := ctx.Err(); err != nil {
			return nil, format.Errorf(format.CodeTimeout, "OCR stopped: %v", err)
		}
		r, err := recognizePage(ctx, bin, p, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, PageText{Text: r.text, Confidence: r.conf})
		if progress != nil {
			progress(i+1, len(pages))
		}
	}
	return out, nil
}

// recognizePage reads one page. An upright page that reads well is done
// after one Tesseract run; otherwise the orientation is detected, the page
// turned, read again, and the better reading kept. Small print is then
// enlarged and read once more (see enlarge).
func recognizePage(ctx context.Context, bin string, p page, opts Options) (reading, error) {
	data, err := p.bytes()
	if err != nil {
		return reading{}, err
	}
	best, err := read(ctx, bin, data, opts)
	if err != nil {
		return reading{}, err
	}
	script := ""
	upright := data
	if best.conf < goodConfidence {
		rot, sc, err := orientation(ctx, bin, data)
		if err != nil {
			return reading{}, err
		}
		script = sc
		if rot != 0 {
			turned, err := p.rotated(rot)
			won := false
			if best, won, err = betterReading(ctx, bin, best, turned, opts); err != nil {
				return reading{}, err
			}
			if won {
				p.turn, upright = rot, turned
			}
		}
	}
	if best, opts, err = withLanguage(ctx, bin, upright, best, script, opts); err != nil {
		return reading{}, err
	}
	if factor := enlargement(best, p.size()); factor > 1 {
		big, err := p.scaled(factor)
		if err != nil {
			return reading{}, err
		}
		if best, _, err = betterReading(ctx, bin, best, big, opts); err != nil {
			return reading{}, err
		}
	}
	return best, nil
}

// betterReading reads img (if any) and keeps whichever of its reading and
// current scores higher; won says the new one did.
func betterReading(ctx context.Context, bin string, current reading, img []byte, opts Options) (reading, bool, error) {
	if img == nil {
		return current, false, nil
	}
	r, err := read(ctx, bin, img, opts)
	if err != nil {
		return reading{}, false, err
	}
	if r.score() > current.score() {
		return r, true, nil
	}
	return current, false, nil
}

// read runs recognition and returns the text with its confidence.
func read(ctx context.Context, bin string, img []byte, opts Options) (reading, error) {
	out, err := tesseract(ctx, bin, img, "-l", opts.Lang, "--psm", fmt.Sprint(opts.PSM), "tsv")
	if err != nil {
		return reading{}, err
	}
	return parseTSV(string(out)), nil
}

// Image converts an image file to Markdown via RecognizePages (Output.Method
// "ocr", OCRUsed true), one page per frame with its OCR confidence. An image
// without recognisable text is a CodeEmpty error.
func Image(ctx context.Context, data []byte, opts format.Options) (out format.Output, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = format.Errorf(format.CodeCorrupt, "image could not be read: %v", r)
		}
	}()
	o := OptionsFrom(opts)
	count, err := countPages(data, o.MaxFrames)
	if err != nil {
		return format.Output{}, err
	}
	texts, err := RecognizePages(ctx, data, o, opts.Progress)
	if err != nil {
		return format.Output{}, err
	}
	var raw strings.Builder
	pages := make([]format.Page, len(texts))
	starts := make([]int, len(texts))
	for i, t := range texts {
		starts[i] = raw.Len()
		// An image has no text layer: Chars is unknown.
		pages[i] = format.Page{Number: i + 1, Chars: -1, OCR: true, OCRConfidence: t.Confidence}
		if t.Text != "" {
			raw.WriteString(escapeMarkdown(t.Text) + "\n\n")
		}
	}
	md, mapped := format.TidyMapped(raw.String(), starts)
	if strings.TrimSpace(md) == "" {
		return format.Output{}, format.Errorf(format.CodeEmpty, "no text recognised in the image")
	}
	format.PageStarts(pages, mapped)
	return format.Output{Markdown: md, Method: "ocr", PageCount: count, OCRUsed: true, Pages: pages}, nil
}

// escapeMarkdown keeps OCR text from being read as Markdown structure a
// scan does not have: a paragraph starting with "#", ">", "|" or "=" would
// otherwise become a heading, quote or table. Dashes and stars are left
// alone: on a page they usually are list bullets.
func escapeMarkdown(text string) string {
	paras := strings.Split(text, "\n\n")
	for i, p := range paras {
		if p == "" {
			continue
		}
		switch p[0] {
		case '#', '>', '=', '|':
			paras[i] = `\` + p
		}
	}
	return strings.Join(paras, "\n\n")
}
