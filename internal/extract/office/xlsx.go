package office

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// maxSheetCells bounds the non-empty cells kept per workbook; beyond it the
// rest of the workbook is skipped with a warning.
const maxSheetCells = 2_000_000

// workbook holds what the sheets need: shared strings and number formats.
type workbook struct {
	strings  []string
	styles   []numFmt // by cell style index (cellXfs)
	date1904 bool
	cells    int // cells kept so far, against maxSheetCells
}

// convertXLSX converts a SpreadsheetML package: per sheet a heading with the
// sheet name, then each separate block of cells as its own table.
func convertXLSX(ctx context.Context, p *pkg, opts format.Options) (format.Output, error) {
	main, err := p.mainPart("xl/workbook.xml")
	if err != nil {
		return format.Output{}, err
	}
	wbRoot, err := readXMLPart(p, main)
	if err != nil || wbRoot == nil {
		return format.Output{}, err
	}
	rs, err := p.rels(main)
	if err != nil {
		return format.Output{}, err
	}
	wb := &workbook{date1904: onOffAttr(wbRoot.path("workbook", "workbookPr").attr("date1904"))}
	if err := wb.loadSharedStrings(p, rs); err != nil {
		return format.Output{}, err
	}
	if wb.styles, err = optionalPart(p, rs, "styles", parseCellFormats); err != nil {
		return format.Output{}, err
	}
	res := format.Output{Method: "ooxml"}
	var out mdWriter
	var starts []int
	sheets := wbRoot.path("workbook", "sheets").all("sheet")
	for i, sh := range sheets {
		opts.Report(i, len(sheets)) // sheets done so far, hidden ones included
		if err := ctx.Err(); err != nil {
			return format.Output{}, err
		}
		if st := sh.attr("state"); st == "hidden" || st == "veryHidden" {
			continue // hidden sheets hold helper data, not content
		}
		r, ok := rs[sh.attr("r:id")]
		if !ok || r.External || !p.has(r.Target) {
			continue
		}
		res.PageCount++
		starts = append(starts, out.b.Len())
		md, chars, err := wb.sheet(ctx, p, r.Target, sh.attr("name"))
		if err != nil {
			return format.Output{}, err
		}
		res.Pages = append(res.Pages, format.Page{Number: res.PageCount, Chars: chars})
		if hasText(md) { // an empty sheet gets no heading either
			out.block(format.Heading(2, sh.attr("name")))
			out.block(md)
		}
		if wb.cells >= maxSheetCells {
			res.Warnings = append(res.Warnings, wrapf("workbook truncated after %d cells", maxSheetCells))
			break
		}
	}
	opts.Report(len(sheets), len(sheets))
	md, mapped := format.TidyMapped(out.String(), starts)
	res.Markdown = md
	format.PageStarts(res.Pages, mapped)
	return res, nil
}

func onOffAttr(v string) bool { return v == "1" || v == "true" || v == "on" }

// loadSharedStrings streams the shared string table.
func (wb *workbook) loadSharedStrings(p *pkg, rs map[string]rel) error {
	for _, r := range relsOfType(rs, "sharedStrings") {
		data, err := p.read(r.Target)
		if err != nil || data == nil {
			return err
		}
		dec := xml.NewDecoder(bytes.NewReader(data))
		dec.Strict = false
		var cur strings.Builder
		inT, skip := false, 0
		for {
			tok, err := dec.RawToken()
			if err != nil {
				if err == io.EOF || len(wb.strings) > 0 {
					return nil
				}
				return &format.Error{Code: format.CodeCorrupt, Detail: "malformed shared strings", Err: err}
			}
			switch t := tok.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "si":
					cur.Reset()
				case "t":
					inT = true
				case "rPh", "phoneticPr": // phonetic guides repeat the text
					skip++
				}
			case xml.EndElement:
				switch t.Name.Local {
				case "si":
					wb.strings = append(wb.strings, cur.String())
				case "t":
					inT = false
				case "rPh", "phoneticPr":
					skip--
				}
			case xml.CharData:
				if inT && skip == 0 {
					cur.Write(t)
				}
			}
		}
	}
	return nil
}
