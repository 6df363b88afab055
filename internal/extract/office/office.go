package office

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// cfbMagic starts every OLE compound file: legacy .doc/.xls/.ppt and
// password-protected OOXML.
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Convert turns an Office document into Markdown. ext is the lower-case
// extension with the dot: ".docx", ".pptx", ".xlsx", or the legacy ".doc",
// ".xls", ".ppt" (through LibreOffice), and ".csv".
//
// Errors are *format.Error with a code: corrupt, encrypted, too_large,
// needs_libreoffice, unsupported_format, empty, or timeout when ctx ends.
func Convert(ctx context.Context, data []byte, ext string, opts format.Options) (out format.Output, err error) {
	defer func() {
		// Last line of defence: a parser bug must not take the process down.
		if r := recover(); r != nil {
			out, err = format.Output{}, format.Errorf(format.CodeCorrupt, "converter failed on malformed input: %v", r)
		}
	}()
	opts = opts.WithDefaults()
	out, err = convert(ctx, data, strings.ToLower(ext), opts)
	if err == nil && !hasText(out.Markdown) {
		return out, format.Errorf(format.CodeEmpty, "document has no text")
	}
	if ctx.Err() != nil {
		return format.Output{}, &format.Error{Code: format.CodeTimeout, Detail: "conversion stopped", Err: ctx.Err()}
	}
	return out, err
}

func convert(ctx context.Context, data []byte, ext string, opts format.Options) (format.Output, error) {
	if err := ctx.Err(); err != nil {
		return format.Output{}, err
	}
	switch ext {
	case ".csv", ".tsv":
		return convertCSV(ctx, data, opts)
	case ".doc", ".xls", ".ppt", ".rtf", ".odt", ".ods", ".odp":
		if kind := Sniff(data); kind != "" { // OOXML under a legacy name
			return convert(ctx, data, kind, opts)
		}
		return convertLegacy(ctx, data, ext, opts)
	case ".docx", ".docm", ".dotx", ".pptx", ".pptm", ".ppsx", ".xlsx", ".xlsm":
	default:
		return format.Output{}, format.Errorf(format.CodeUnsupported, "office converter does not handle %q", ext)
	}
	if bytes.HasPrefix(data, cfbMagic) {
		if cfbHasStream(data, "EncryptionInfo") {
			return format.Output{}, format.Errorf(format.CodeEncrypted, "document is password-protected")
		}
		return convertLegacy(ctx, data, legacyExt(ext), opts)
	}
	p, err := openPackage(data, opts.MaxUncompressed)
	if err != nil {
		return format.Output{}, err
	}
	p.ctx = ctx
	kind := sniffPackage(p)
	if kind == "" {
		kind = canonicalExt(ext)
	}
	switch kind {
	case ".docx":
		return convertDOCX(ctx, p)
	case ".pptx":
		return convertPPTX(ctx, p, opts)
	default:
		return convertXLSX(ctx, p, opts)
	}
}

// canonicalExt maps macro-enabled and template variants to the base format.
func canonicalExt(ext string) string {
	switch ext[:min(len(ext), 4)] {
	case ".doc", ".dot":
		return ".docx"
	case ".ppt", ".pps":
		return ".pptx"
	}
	return ".xlsx"
}

// legacyExt is the binary sibling of an OOXML extension.
func legacyExt(ext string) string {
	return map[string]string{".docx": ".doc", ".pptx": ".ppt", ".xlsx": ".xls"}[canonicalExt(ext)]
}

// Sniff returns ".docx", ".pptx" or ".xlsx" when data is an OOXML package
// whose parts say what it is, whatever its file name claims; "" otherwise.
func Sniff(data []byte) (ext string) {
	defer func() {
		if recover() != nil {
			ext = ""
		}
	}()
	p, err := openPackage(data, 16<<20)
	if err != nil {
		return ""
	}
	return sniffPackage(p)
}

// sniffPackage decides by the content type of the main part, falling back
// to the conventional part names.
func sniffPackage(p *pkg) string {
	if ct, err := p.read("[Content_Types].xml"); err == nil {
		s := string(ct)
		switch {
		case strings.Contains(s, "wordprocessingml.document.main") || strings.Contains(s, "ms-word.document.macroEnabled.main") ||
			strings.Contains(s, "wordprocessingml.template.main"):
			return ".docx"
		case strings.Contains(s, "presentationml.presentation.main") || strings.Contains(s, "presentationml.slideshow.main") ||
			strings.Contains(s, "ms-powerpoint.presentation.macroEnabled.main") || strings.Contains(s, "presentationml.template.main"):
			return ".pptx"
		case strings.Contains(s, "spreadsheetml.sheet.main") || strings.Contains(s, "ms-excel.sheet.macroEnabled.main") ||
			strings.Contains(s, "spreadsheetml.template.main"):
			return ".xlsx"
		}
	}
	for name, ext := range map[string]string{"word/document.xml": ".docx", "ppt/presentation.xml": ".pptx", "xl/workbook.xml": ".xlsx"} {
		if p.has(name) {
			return ext
		}
	}
	return ""
}

// hasText reports whether md holds anything but blanks and HTML comments
// (slide markers and image placeholders).
func hasText(md string) bool {
	for {
		i := strings.Index(md, "<!--")
		if i < 0 {
			return strings.TrimSpace(md) != ""
		}
		if strings.TrimSpace(md[:i]) != "" {
			return true
		}
		j := strings.Index(md[i:], "-->")
		if j < 0 {
			return true
		}
		md = md[i+j+3:]
	}
}

// wrapf is fmt.Sprintf for warnings.
func wrapf(f string, args ...any) string { return fmt.Sprintf(f, args...) }
