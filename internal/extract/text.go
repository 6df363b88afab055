package extract

import (
	"bytes"
	"context"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"

	"github.com/curatore/curatore/internal/extract/format"
)

// utf16Order returns "le" or "be" when data is UTF-16 (by byte order mark,
// or by the zero bytes ASCII text has in every other position), else "".
func utf16Order(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}) && !bytes.HasPrefix(data, []byte{0xff, 0xfe, 0, 0}):
		return "le"
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return "be"
	}
	n := min(len(data), 4096) &^ 1
	if n < 16 {
		return ""
	}
	var evenZero, oddZero int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			evenZero++
		}
		if data[i+1] == 0 {
			oddZero++
		}
	}
	pairs := n / 2
	switch {
	case oddZero*10 >= pairs*4 && evenZero*10 < pairs:
		return "le"
	case evenZero*10 >= pairs*4 && oddZero*10 < pairs:
		return "be"
	}
	return ""
}

// declaredCharset decodes text whose media type names its charset (e.g.
// "text/plain; charset=iso-8859-2") to UTF-8; without one, or with one we
// do not know, data is returned as it is and decodeText guesses.
func declaredCharset(contentType string, data []byte) []byte {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["charset"] == "" {
		return data
	}
	enc, err := htmlindex.Get(params["charset"])
	if err != nil {
		return data
	}
	if name, _ := htmlindex.Name(enc); name == "utf-8" {
		return data
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return out
}

// decodeText returns data as UTF-8 and the name of the encoding it was in:
// UTF-8 (byte order mark dropped), UTF-16 (LE/BE, marked or not), or else
// windows-1252, the usual encoding of legacy 8-bit text (a superset of
// printable ISO-8859-1).
func decodeText(data []byte) (string, string) {
	var enc encoding.Encoding
	var name string
	switch utf16Order(data) {
	case "le":
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "utf-16le"
	case "be":
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf-16be"
	default:
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if utf8.Valid(data) {
			return string(data), "utf-8"
		}
		enc, name = charmap.Windows1252, "windows-1252"
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8"
	}
	return string(out), name
}

// cleanText normalises line ends (CRLF and CR to LF) and drops control
// characters other than tab and newline, in one pass; a form feed becomes
// a paragraph break.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				b.WriteByte('\n')
			}
		case r == '\f':
			b.WriteString("\n\n")
		case r == '\n' || r == '\t':
			b.WriteByte(byte(r))
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfeff:
			// C0/C1 controls, DEL and stray byte order marks carry no text.
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// convertMarkdown passes Markdown through, normalised: UTF-8, LF line ends,
// trailing spaces gone and blank-line runs collapsed outside code fences,
// HTML blocks turned into Markdown (tables into GFM tables).
func convertMarkdown(ctx context.Context, data []byte, _ string, _ format.Options) (format.Output, error) {
	text, enc := decodeText(data)
	md := format.TidyMarkdown(htmlBlocksToMarkdown(ctx, cleanText(text)))
	return textOutput(md, "markdown", enc)
}

// convertText turns plain text into Markdown paragraphs. Lines are kept as
// they are (hard-wrapped text still reads as one paragraph in Markdown);
// characters that would start Markdown structure at a line start are
// escaped, so "# of items" stays text.
func convertText(ctx context.Context, data []byte, _ string, _ format.Options) (format.Output, error) {
	text, enc := decodeText(data)
	lines := strings.Split(cleanText(text), "\n")
	for i, l := range lines {
		lines[i] = escapeLineStart(strings.TrimRight(l, " \t"))
	}
	return textOutput(format.Tidy(strings.Join(lines, "\n")), "text", enc)
}

func textOutput(md, method, enc string) (format.Output, error) {
	if strings.TrimSpace(md) == "" {
		return format.Output{}, format.Errorf(format.CodeEmpty, "the document has no text")
	}
	out := format.Output{Markdown: md, Method: method}
	if enc != "utf-8" {
		out.Warnings = []string{"decoded from " + enc}
	}
	return out, nil
}

// escapeLineStart escapes a leading character that Markdown would read as
// a heading, quote, table or setext underline.
func escapeLineStart(l string) string {
	t := strings.TrimLeft(l, " ")
	if t == "" || len(l)-len(t) > 3 {
		return l
	}
	switch t[0] {
	case '#', '>', '|':
		return l[:len(l)-len(t)] + `\` + t
	case '=', '-':
		if strings.Trim(t, string(t[0])+" ") == "" {
			return l[:len(l)-len(t)] + `\` + t
		}
	}
	return l
}
