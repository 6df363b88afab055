package extract

import (
	"bytes"
	"mime"
	"path/filepath"
	"slices"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/ocr"
	"github.com/curatore/curatore/internal/extract/office"
)

// Extensions lists the file types the native engine converts.
var Extensions = []string{
	".pdf", ".docx", ".pptx", ".xlsx", ".doc", ".xls", ".ppt", ".csv", ".txt", ".md",
	".html", ".htm", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp",
}

// Document kinds: the extension without the dot for office, pdf and text
// types, "html" for .html/.htm and "image" for every picture format.
const (
	kindPDF   = "pdf"
	kindHTML  = "html"
	kindText  = "txt"
	kindMD    = "md"
	kindCSV   = "csv"
	kindImage = "image"
	kindZip   = "zip"    // a zip that is no OOXML document
	kindOLE   = "ole"    // a legacy Office compound file; which one needs a look inside
	kindBin   = "binary" // something we do not know
)

// officeSniff names the OOXML type inside a zip ("docx", "pptx", "xlsx") or
// returns "" (a zip that is no OOXML document).
func officeSniff(data []byte) string { return strings.TrimPrefix(office.Sniff(data), ".") }

// kindOfExt maps a declared extension (with dot, any case) to a kind, or "".
func kindOfExt(ext string) string {
	ext = strings.ToLower(ext)
	if !slices.Contains(Extensions, ext) {
		return ""
	}
	switch ext {
	case ".htm", ".html":
		return kindHTML
	case ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp":
		return kindImage
	}
	return ext[1:]
}

// mediaTypes maps declared media types to extensions for inputs without one.
var mediaTypes = map[string]string{
	"application/pdf": ".pdf", "text/html": ".html", "application/xhtml+xml": ".html",
	"text/plain": ".txt", "text/markdown": ".md", "text/csv": ".csv",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/msword": ".doc", "application/vnd.ms-excel": ".xls", "application/vnd.ms-powerpoint": ".ppt",
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/tiff": ".tif",
	"image/bmp": ".bmp", "image/webp": ".webp",
}

// declaredExt is the extension of the name, else the one of the media type.
func declaredExt(in Input) string {
	if ext := strings.ToLower(filepath.Ext(in.Name)); ext != "" {
		return ext
	}
	if mt, _, err := mime.ParseMediaType(in.ContentType); err == nil {
		return mediaTypes[mt]
	}
	return ""
}

// sniff names the kind of data from its content alone.
func sniff(data []byte) string {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\x00"), []byte("%PDF-")):
		return kindPDF
	case bytes.Contains(head, []byte("%PDF-")) && !looksLikeText(head):
		// Readers accept a PDF header anywhere in the first KiB after
		// binary junk; text merely quoting "%PDF-" is not a PDF.
		return kindPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		if k := strings.TrimPrefix(officeSniff(data), "."); k != "" {
			return k
		}
		return kindZip
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return kindOLE
	case ocr.ImageType(data) != "":
		return kindImage
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return kindBin
	}
	if !looksLikeText(data) {
		return kindBin
	}
	if looksLikeHTML(data) {
		return kindHTML
	}
	return kindText
}

// looksLikeText reports whether data is text in some encoding we decode:
// UTF-16 (marked or not), or 8-bit text with few control characters.
func looksLikeText(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if utf16Order(head) != "" {
		return true
	}
	ctrl := 0
	for _, c := range head {
		switch {
		case c == 0:
			return false
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b:
			ctrl++
		}
	}
	return ctrl*100 <= len(head)
}

// looksLikeHTML reports whether text starts like an HTML document (or
// declares it early on). Markdown with inline tags does not count.
func looksLikeHTML(data []byte) bool {
	s, _ := decodeText(data[:min(len(data), 2048)])
	s = strings.ToLower(strings.TrimSpace(s))
	for strings.HasPrefix(s, "<!--") || strings.HasPrefix(s, "<?xml") {
		end := strings.Index(s, ">")
		if end < 0 {
			return false
		}
		s = strings.TrimSpace(s[end+1:])
	}
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// detect decides how to convert in: the kind to use and, when the
// declared type was wrong, a warning saying so.
func detect(in Input) (kind string, warning string, err error) {
	ext := declaredExt(in)
	declared := kindOfExt(ext)
	real := sniff(in.Data)
	switch real {
	case kindOLE:
		if slices.Contains([]string{"doc", "xls", "ppt"}, declared) {
			return declared, "", nil
		}
		return "", "", format.Errorf(format.CodeUnsupported,
			"legacy Office file named %q: name it .doc, .xls or .ppt", in.Name)
	case kindZip:
		if slices.Contains([]string{"docx", "pptx", "xlsx"}, declared) {
			return declared, "", nil // let the converter say what is wrong inside
		}
		return "", "", format.Errorf(format.CodeUnsupported, "zip archive that is no Word, PowerPoint or Excel document")
	case kindBin:
		return binaryKind(in.Name, ext, declared)
	case kindText, kindHTML:
		return textKind(in.Name, ext, declared, real)
	}
	// PDF, OOXML and images are recognised for sure by their bytes.
	if declared != "" && declared != real {
		return real, mismatch(in.Name, real), nil
	}
	return real, "", nil
}

// binaryKind handles bytes we cannot identify.
func binaryKind(name, ext, declared string) (string, string, error) {
	switch declared {
	case "":
		return "", "", unsupported(name, ext)
	case kindText, kindMD, kindCSV, kindHTML:
		return "", "", format.Errorf(format.CodeUnsupported, "%q is named %s but holds binary data, not text", name, ext)
	}
	// A damaged file of a binary type: its converter reports the damage.
	return declared, "", nil
}

// textKind decides between the text kinds for content that is text.
func textKind(name, ext, declared, real string) (string, string, error) {
	switch declared {
	case kindHTML, kindCSV:
		return declared, "", nil
	case kindText, kindMD:
		if real == kindHTML {
			return kindHTML, mismatch(name, kindHTML), nil
		}
		return declared, "", nil
	case "":
		if ext != "" {
			return "", "", unsupported(name, ext)
		}
		return real, "", nil
	}
	// Named like a binary document but it is text.
	return real, mismatch(name, real), nil
}

func mismatch(name, real string) string {
	return "the content of " + quoteName(name) + " is " + real + ", not what its name says; converted as " + real
}

func unsupported(name, ext string) error {
	if ext == "" {
		return format.Errorf(format.CodeUnsupported, "cannot tell the type of %s (supported: %s)",
			quoteName(name), strings.Join(Extensions, " "))
	}
	return format.Errorf(format.CodeUnsupported, "%s files are not supported (supported: %s)",
		ext, strings.Join(Extensions, " "))
}

func quoteName(name string) string {
	if name == "" {
		return "the input"
	}
	return `"` + name + `"`
}

// Sniff names the kind of a document from its first bytes (a few KiB are
// enough) and its declared name and media type, as the converter will see
// it: "pdf", "docx", "pptx", "xlsx", "doc", "xls", "ppt", "csv", "txt",
// "md", "html" or "image". A type that is not supported is an error with
// format.CodeUnsupported whose detail lists the supported extensions. Used
// to refuse an upload before it is stored.
func Sniff(name, contentType string, head []byte) (string, error) {
	kind, _, err := detect(Input{Name: name, ContentType: contentType, Data: head})
	return kind, err
}
