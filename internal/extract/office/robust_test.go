package office

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

func TestErrors(t *testing.T) {
	good := docxPackage(t, para("", "hello"), "", "")
	deep := docxPackage(t, strings.Repeat("<w:sdt><w:sdtContent>", 2000)+para("", "x"), "", "")
	cfb := append(append([]byte{}, cfbMagic...), make([]byte, 504)...)
	encrypted := append(append([]byte{}, cfb...), []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")...)
	tests := []struct {
		name string
		data []byte
		ext  string
		opts format.Options
		want format.Code
	}{
		{"not a zip", []byte("hello world"), ".docx", format.Options{}, format.CodeCorrupt},
		{"truncated zip", good[:len(good)/2], ".docx", format.Options{}, format.CodeCorrupt},
		{"zip bomb", zipBomb(t, 4<<20), ".docx", format.Options{MaxUncompressed: 1 << 20}, format.CodeTooLarge},
		// archive/zip stops at the declared size, so a lying member is damaged, not inflated.
		{"zip bomb, lying size", lyingSize(t, zipBomb(t, 4<<20)), ".docx", format.Options{MaxUncompressed: 1 << 20}, format.CodeCorrupt},
		{"deep nesting", deep, ".docx", format.Options{}, format.CodeCorrupt},
		{"empty document", docxPackage(t, "", "", ""), ".docx", format.Options{}, format.CodeEmpty},
		{"empty workbook", xlsxPackage(t, "", ""), ".xlsx", format.Options{}, format.CodeEmpty},
		{"image-only slide", pptxPackage(t, `<p:pic/>`), ".pptx", format.Options{}, format.CodeEmpty},
		{"no main part", buildZip(t, map[string]string{"a.txt": "x"}), ".docx", format.Options{}, format.CodeCorrupt},
		{"encrypted OOXML", encrypted, ".docx", format.Options{}, format.CodeEncrypted},
		{"legacy without soffice", cfb, ".doc", format.Options{SofficePath: "/nonexistent/soffice"}, format.CodeNeedsLibreOffice},
		{"OLE named docx", cfb, ".xlsx", format.Options{SofficePath: "/nonexistent/soffice"}, format.CodeNeedsLibreOffice},
		{"unsupported", good, ".pdf", format.Options{}, format.CodeUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Convert(context.Background(), tt.data, tt.ext, tt.opts)
			if got := format.CodeOf(err); got != tt.want {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.want)
			}
			var fe *format.Error
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *format.Error", err)
			}
		})
	}
}

// zipBomb is a docx whose document.xml inflates to n bytes of spaces.
func zipBomb(t *testing.T, n int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<w:document xmlns:w="` + nsW + `"><w:body>`))
	w.Write(bytes.Repeat([]byte(" "), n))
	w.Write([]byte(`</w:body></w:document>`))
	zw.Close()
	return buf.Bytes()
}

// lyingSize rewrites the uncompressed sizes a zip declares (local headers
// and central directory) to 100 bytes, as a crafted bomb would.
func lyingSize(t *testing.T, data []byte) []byte {
	out := append([]byte{}, data...)
	for i := 0; i+30 <= len(out); i++ {
		switch {
		case bytes.Equal(out[i:i+4], []byte("PK\x03\x04")):
			binary.LittleEndian.PutUint32(out[i+22:], 100)
		case bytes.Equal(out[i:i+4], []byte("PK\x01\x02")) && i+28 <= len(out):
			binary.LittleEndian.PutUint32(out[i+24:], 100)
		}
	}
	return out
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Convert(ctx, readSample(t, "docling_word_sample.docx"), ".docx", format.Options{})
	if got := format.CodeOf(err); got != format.CodeTimeout {
		t.Fatalf("code = %q (%v), want timeout", got, err)
	}
}

// TestLyingExtension: a Word document named .xlsx is still read as Word.
func TestLyingExtension(t *testing.T) {
	data := readSample(t, "docling_unit_test_headers.docx")
	if got := Sniff(data); got != ".docx" {
		t.Fatalf("Sniff = %q", got)
	}
	mustContain(t, convertOK(t, data, ".xlsx").Markdown, "## Section 1")
	mustContain(t, convertOK(t, data, ".doc").Markdown, "## Section 1") // no LibreOffice needed
	if got := Sniff([]byte("plain text")); got != "" {
		t.Errorf("Sniff(text) = %q", got)
	}
}

// TestParseStopsOnCancel: a long parse gives up once ctx is done.
func TestParseStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := "<r>" + strings.Repeat("<p>x</p>", 100000) + "</r>"
	if _, err := parseXML(ctx, []byte(big)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := parseXML(context.Background(), []byte(big)); err != nil {
		t.Fatal(err)
	}
}

// TestEntityExpansion: DTD entities (billion laughs) are not expanded.
func TestEntityExpansion(t *testing.T) {
	doc := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
		`<w:document xmlns:w="` + nsW + `"><w:body><w:p><w:r><w:t>a &lol3; b</w:t></w:r></w:p></w:body></w:document>`
	out, err := Convert(context.Background(), buildZip(t, map[string]string{"word/document.xml": doc}), ".docx", format.Options{})
	if err != nil && format.CodeOf(err) == "" {
		t.Fatalf("uncoded error: %v", err)
	}
	if strings.Count(out.Markdown, "lol") > 1 {
		t.Fatalf("entities expanded: %q", out.Markdown)
	}
}
