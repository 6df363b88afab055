package office

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/curatore/curatore/internal/extract/format"
)

// convertCSV renders delimited text as one GFM table: the delimiter is
// sniffed (comma, semicolon, tab, pipe), the text decoded to UTF-8, ragged
// rows padded and empty rows dropped.
func convertCSV(ctx context.Context, data []byte, _ format.Options) (format.Output, error) {
	text := decodeText(data)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var rows [][]string
	var warnings []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && rec == nil {
				warnings = append(warnings, "csv: "+err.Error())
				break
			}
		}
		if len(rows)%4096 == 0 && ctx.Err() != nil {
			return format.Output{}, ctx.Err()
		}
		if !emptyRecord(rec) {
			rows = append(rows, rec)
		}
	}
	return format.Output{Markdown: format.Tidy(format.Table(rows)), Method: "csv", Warnings: warnings}, nil
}

func emptyRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// sniffDelimiter picks the candidate that splits the first lines most
// consistently into more than one field.
func sniffDelimiter(text string) rune {
	lines := strings.SplitN(text, "\n", 21)
	if len(lines) > 20 {
		lines = lines[:20]
	}
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t', '|'} {
		first, agree := -1, 0
		for _, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			n := countOutsideQuotes(l, d)
			if first < 0 {
				first = n
			}
			if n > 0 && n == first {
				agree++
			}
		}
		if score := agree*1000 + max(first, 0); first > 0 && score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

func countOutsideQuotes(line string, d rune) int {
	n, quoted := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == d && !quoted:
			n++
		}
	}
	return n
}

// decodeText returns data as UTF-8: a UTF-8 BOM is dropped, UTF-16 with a
// BOM is decoded, and bytes that are not valid UTF-8 are read as Windows-1252
// (the usual encoding of spreadsheet exports that are not UTF-8).
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], true)
	}
	if utf8.Valid(data) {
		return string(data)
	}
	var b strings.Builder
	b.Grow(len(data))
	for _, c := range data {
		if c >= 0x80 && c < 0xA0 {
			b.WriteRune(cp1252[c-0x80])
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

func decodeUTF16(data []byte, bigEndian bool) string {
	u := make([]uint16, len(data)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// cp1252 maps Windows-1252 bytes 0x80–0x9F; the rest of the code page is Latin-1.
var cp1252 = [32]rune{
	'€', '\u0081', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u008d', 'Ž', '\u008f',
	'\u0090', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u009d', 'ž', 'Ÿ',
}
