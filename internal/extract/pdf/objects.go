package pdf

import (
	"math"

	"github.com/klippa-app/go-pdfium/enums"
	"github.com/tetratelabs/wazero/api"
)

// This file reads what layout analysis wants from a page's non-text
// objects: whether it draws images (a scan candidate for OCR) and where
// its vertical ruling lines are (table cell borders).

// maxObjects bounds how many page objects are inspected.
const maxObjects = 20000

// maxRules bounds how many ruling lines a page may contribute.
const maxRules = 2000

// rule is a vertical ruling line in top-down page coordinates.
type rule struct{ x, y0, y1 float64 }

// pageObjects returns the largest share of the page area covered by one
// image (or form XObject, in which scanners often wrap the page image), 0
// without images, and the page's vertical rules: path objects at most
// ruleWidth wide and at least ruleMinLength tall.
func pageObjects(r *raw, pg uint64, width, height float64) (image float64, rules []rule) {
	n := min(int(api.DecodeI32(r.call("FPDFPage_CountObjects", pg))), maxObjects)
	for i := 0; i < n; i++ {
		obj := r.call("FPDFPage_GetObject", pg, uint64(i))
		if uint32(obj) == 0 {
			continue
		}
		switch api.DecodeI32(r.call("FPDFPageObj_GetType", obj)) {
		case int32(enums.FPDF_PAGEOBJ_IMAGE), int32(enums.FPDF_PAGEOBJ_FORM):
			image = math.Max(image, coverage(r, obj, width, height))
		case int32(enums.FPDF_PAGEOBJ_PATH):
			if ru, ok := ruleOf(r, obj, height); ok && len(rules) < maxRules {
				rules = append(rules, ru)
			}
		}
	}
	return image, rules
}

// Ruling line shape limits, in points.
const (
	ruleWidth     = 2.0
	ruleMinLength = 6.0
)

// coverage is the share of the page covered by an object's bounds; a tiny
// positive value when the bounds are unknown, so the image still counts.
func coverage(r *raw, obj uint64, width, height float64) float64 {
	const unknown = 1e-6
	s := r.scratch
	if uint32(r.call("FPDFPageObj_GetBounds", obj, uint64(s), uint64(s+4), uint64(s+8), uint64(s+12))) == 0 || width <= 0 || height <= 0 {
		return unknown
	}
	w := math.Min(r.f32(s+8), width) - math.Max(r.f32(s), 0)
	h := math.Min(r.f32(s+12), height) - math.Max(r.f32(s+4), 0)
	if !sane(w) || !sane(h) || w <= 0 || h <= 0 {
		return unknown
	}
	return math.Max(unknown, w*h/(width*height))
}

func ruleOf(r *raw, obj uint64, height float64) (rule, bool) {
	s := r.scratch
	if uint32(r.call("FPDFPageObj_GetBounds", obj, uint64(s), uint64(s+4), uint64(s+8), uint64(s+12))) == 0 {
		return rule{}, false
	}
	left, bottom, right, top := r.f32(s), r.f32(s+4), r.f32(s+8), r.f32(s+12)
	if !sane(left) || !sane(right) || !sane(top) || !sane(bottom) {
		return rule{}, false
	}
	if right-left > ruleWidth || top-bottom < ruleMinLength {
		return rule{}, false
	}
	return rule{x: (left + right) / 2, y0: height - top, y1: height - bottom}, true
}
