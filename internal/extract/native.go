package extract

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/ocr"
	"github.com/curatore/curatore/internal/extract/office"
	"github.com/curatore/curatore/internal/extract/pdf"
	"github.com/curatore/curatore/internal/extract/web"
)

// DefaultMaxSize bounds the input of the native engine (256 MiB).
const DefaultMaxSize = 256 << 20

// maxMarkupSize bounds HTML, Markdown and text inputs (64 MiB): a parsed
// HTML tree takes several times its source in memory.
const maxMarkupSize = 64 << 20

// converter converts one document of a kind; kind is the extension without
// the dot for pdf, office and text types ("docx", "csv", …).
type converter func(ctx context.Context, data []byte, kind string, opts format.Options) (format.Output, error)

// converters is the dispatch table of the native engine. Wiring a new
// format package is one line here.
var converters = map[string]converter{
	kindPDF: func(ctx context.Context, d []byte, _ string, o format.Options) (format.Output, error) {
		return pdf.Convert(ctx, d, o)
	},
	"docx": convertOffice, "pptx": convertOffice, "xlsx": convertOffice,
	"doc": convertOffice, "xls": convertOffice, "ppt": convertOffice, kindCSV: convertOffice,
	kindHTML: func(ctx context.Context, d []byte, _ string, o format.Options) (format.Output, error) {
		return web.Convert(ctx, d, o)
	},
	kindImage: func(ctx context.Context, d []byte, _ string, o format.Options) (format.Output, error) {
		return ocr.Image(ctx, d, o)
	},
	kindText: convertText,
	kindMD:   convertMarkdown,
}

// convertOffice converts OOXML, legacy Office and CSV documents.
func convertOffice(ctx context.Context, d []byte, kind string, o format.Options) (format.Output, error) {
	return office.Convert(ctx, d, "."+kind, o)
}

// Native is the engine of our own, in Go. The zero value is ready to use.
type Native struct {
	// MaxSize bounds the input in bytes; 0 means DefaultMaxSize.
	MaxSize int64
}

// Name returns "native".
func (Native) Name() string { return EngineNative }

// Extract converts in. The declared name and type are hints: the content
// decides the converter, and a mismatch is reported as a warning. The
// document gets opts.Timeout; a converter that does not return in time is
// abandoned with a timeout error.
func (n Native) Extract(ctx context.Context, in Input, opts format.Options) (*Result, error) {
	start := time.Now()
	opts = opts.WithDefaults()
	if err := n.checkSize(in.Data); err != nil {
		return nil, err
	}
	kind, warning, err := detect(in)
	if err != nil {
		return nil, err
	}
	if (kind == kindHTML || kind == kindText || kind == kindMD) && len(in.Data) > maxMarkupSize {
		return nil, format.Errorf(format.CodeTooLarge, "%s input has %d bytes, more than the limit of %d", kind, len(in.Data), maxMarkupSize)
	}
	data := in.Data
	if kind == kindText || kind == kindMD || kind == kindCSV {
		data = declaredCharset(in.ContentType, data)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	out, err := run(ctx, converters[kind], data, kind, opts)
	if err != nil {
		return nil, err
	}
	res := newResult(EngineNative, out)
	if warning != "" {
		res.Warnings = append([]string{warning}, res.Warnings...)
	}
	res.Duration = time.Since(start)
	return res, nil
}

func (n Native) checkSize(data []byte) error {
	limit := n.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	switch {
	case len(data) == 0:
		return format.Errorf(format.CodeEmpty, "the file is empty")
	case int64(len(data)) > limit:
		return format.Errorf(format.CodeTooLarge, "the file has %d bytes, more than the limit of %d", len(data), limit)
	}
	return nil
}

// run calls conv under format.Guard, so that the deadline holds even for a
// converter stuck in a loop and a panic becomes a corrupt error, and gives
// every failure a code.
func run(ctx context.Context, conv converter, data []byte, kind string, opts format.Options) (format.Output, error) {
	out, err := format.Guard(ctx, fmt.Sprintf("the %s converter failed on this file", kind),
		func() (format.Output, error) { return conv(ctx, data, kind, opts) }, nil)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return out, timeoutError(opts.Timeout, err)
	case errors.Is(err, context.Canceled):
		return out, &format.Error{Code: format.CodeTimeout, Detail: "conversion cancelled", Err: err}
	case format.CodeOf(err) == "":
		return out, &format.Error{Code: format.CodeCorrupt, Detail: "conversion failed", Err: err}
	}
	return out, err
}

func timeoutError(limit time.Duration, cause error) error {
	return &format.Error{Code: format.CodeTimeout,
		Detail: fmt.Sprintf("conversion took longer than %s (EXTRACTION_TIMEOUT)", limit), Err: cause}
}
