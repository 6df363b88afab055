package pdf

import (
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// finish runs the layout steps over the extracted pages and writes the
// Markdown.
func finish(pages []page, outline []bookmark, out format.Output) (format.Output, error) {
	var text []pageLines
	for _, p := range pages {
		if !p.needsOCR {
			text = append(text, pageLines{lines: p.lines, height: p.height})
		}
	}
	removeFurniture(text)
	if monoBody(text) {
		clearMono(text) // a typewritten document: monospace is not code
	}
	body := bodySize(text)
	var blocks []block
	ti := 0
	nText, nOCR := 0, 0
	for _, p := range pages {
		first := len(blocks)
		if p.needsOCR {
			blocks = append(blocks, ocrBlocks(p.ocrText)...)
			setPage(blocks[first:], p.index+1)
			if p.ocrText != "" {
				nOCR++
			}
			continue
		}
		lines := text[ti].lines
		ti++
		if len(lines) > 0 {
			nText++
		}
		if isSlide(lines, p.width, p.height) {
			for _, box := range slideBoxes(lines, p.height) {
				blocks = append(blocks, buildBlocks(box, body)...)
			}
		} else {
			ordered := readingOrder(lines)
			if len(ordered) > 0 {
				ordered[0].flowStart = true
			}
			blocks = append(blocks, buildBlocks(ordered, body)...)
		}
		setPage(blocks[first:], p.index+1)
	}
	blocks = splitPlainHeadings(splitOutlined(blocks, outline))
	markOutline(blocks, outline, body)
	blocks = joinWrappedTitles(blocks, body)
	markHeadings(blocks, body)
	out.Markdown, out.Pages = render(joinAcrossPages(blocks), pageMap(pages))
	out.Declared = declared(pages)
	switch {
	case nOCR > 0 && nText > 0:
		out.Method = "text-layer+ocr"
	case nOCR > 0:
		out.Method = "ocr"
	default:
		out.Method = "text-layer"
	}
	if strings.TrimSpace(out.Markdown) == "" {
		return out, format.Errorf(format.CodeEmpty, "the PDF has no extractable text")
	}
	return out, nil
}

// ocrBlocks turns OCR text (paragraphs separated by blank lines) into
// paragraph blocks.
func ocrBlocks(text string) []block {
	var out []block
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		var lines []string
		for _, l := range strings.Split(para, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			out = append(out, block{kind: kindPara, text: lines})
		}
	}
	return out
}

// setPage marks blocks as coming from page number n.
func setPage(blocks []block, n int) {
	for i := range blocks {
		blocks[i].page = n
	}
}

// pageMap lists the converted pages with what their text layer holds and,
// for pages sent to OCR, the recognition confidence (0 when it failed);
// render fills in Start.
func pageMap(pages []page) []format.Page {
	out := make([]format.Page, len(pages))
	for i, p := range pages {
		out[i] = format.Page{Number: p.index + 1, Chars: p.chars}
		if p.needsOCR { // confidence 0 when recognition failed
			out[i].OCR, out[i].OCRConfidence = true, p.ocrConf
		}
	}
	return out
}

// declared sums what the tagged pages with a text layer declare; nil for
// an untagged PDF. OCR'd pages are left out: their text carries no
// structure.
func declared(pages []page) *format.Structure {
	var s *format.Structure
	for _, p := range pages {
		if !p.tagged || p.needsOCR {
			continue
		}
		if s == nil {
			s = &format.Structure{}
		}
		s.Headings += p.declared.Headings
		s.ListItems += p.declared.ListItems
		s.Tables += p.declared.Tables
	}
	return s
}
