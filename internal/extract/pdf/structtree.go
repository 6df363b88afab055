package pdf

import (
	"strings"
	"unicode/utf16"

	"github.com/tetratelabs/wazero/api"

	"github.com/curatore/curatore/internal/extract/format"
)

// This file reads a tagged PDF's structure tree: the headings, list items
// and tables its producer declared. The layout analysis does not use it
// (most PDFs are untagged, and tags are often wrong); the conversion score
// holds what the analysis found against it.

// structFuncs are the PDFium exports for the structure tree. They are
// optional: without them a PDF simply declares nothing.
var structFuncs = []string{
	"FPDF_StructTree_GetForPage", "FPDF_StructTree_Close", "FPDF_StructTree_CountChildren",
	"FPDF_StructTree_GetChildAtIndex", "FPDF_StructElement_CountChildren",
	"FPDF_StructElement_GetChildAtIndex", "FPDF_StructElement_GetType",
}

// maxStructElements bounds the elements read per page, against hostile
// trees.
const maxStructElements = 20000

// pageStructure counts what a loaded page's structure tree declares; ok is
// false when the page has no tree (an untagged PDF).
func pageStructure(r *raw, pg uint64) (format.Structure, bool) {
	var s format.Structure
	for _, name := range structFuncs {
		if r.fn[name] == nil {
			return s, false
		}
	}
	tree := r.call("FPDF_StructTree_GetForPage", pg)
	if uint32(tree) == 0 {
		return s, false
	}
	defer r.call("FPDF_StructTree_Close", tree)
	n := int(api.DecodeI32(r.call("FPDF_StructTree_CountChildren", tree)))
	if n <= 0 {
		return s, false
	}
	budget := maxStructElements
	for i := 0; i < n; i++ {
		walkStruct(r, r.call("FPDF_StructTree_GetChildAtIndex", tree, uint64(i)), 0, &budget, &s)
	}
	return s, true
}

// walkStruct counts el and its descendants.
func walkStruct(r *raw, el uint64, depth int, budget *int, s *format.Structure) {
	if uint32(el) == 0 || depth > 64 || *budget <= 0 {
		return
	}
	*budget--
	switch t := r.structType(el); {
	case t == "H" || t == "Title" || (len(t) == 2 && t[0] == 'H' && t[1] >= '1' && t[1] <= '6'):
		s.Headings++
	case t == "LI":
		s.ListItems++
	case t == "Table":
		s.Tables++
	}
	n := int(api.DecodeI32(r.call("FPDF_StructElement_CountChildren", el)))
	for i := 0; i < n; i++ {
		walkStruct(r, r.call("FPDF_StructElement_GetChildAtIndex", el, uint64(i)), depth+1, budget, s)
	}
}

// structType is an element's structure type ("H1", "LI", "Table", …).
func (r *raw) structType(el uint64) string {
	n := uint32(r.call("FPDF_StructElement_GetType", el, uint64(r.scratch), scratchSize))
	if n < 4 || n > scratchSize {
		return ""
	}
	b, ok := r.mem.Read(r.scratch, n-2) // UTF-16LE without the NUL
	if !ok {
		return ""
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return strings.TrimSpace(string(utf16.Decode(units)))
}
