package pdf

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"

	"github.com/klippa-app/go-pdfium"
	"github.com/tetratelabs/wazero/api"
)

// This file calls PDFium's exported C functions directly on the
// WebAssembly module of a go-pdfium instance. go-pdfium's typed API costs
// several guest allocations and Go allocations per call (a char box is a
// malloc, a call, a reflective decode and a free); reading a page needs one
// call per character, so the direct path is several times faster. go-pdfium
// still owns the instances (pooling, compile cache, rendering for OCR).

// raw is a PDFium WebAssembly module called directly. It is not safe for
// concurrent use; it belongs to one conversion holding the instance.
type raw struct {
	ctx     context.Context
	mem     api.Memory
	fn      map[string]api.Function
	stack   [8]uint64
	scratch uint32 // guest buffer for out-parameters
}

// scratchSize is the size of the guest scratch buffer: enough for a font
// name, a matrix and a rectangle.
const scratchSize = 512

// rawFuncs are the PDFium exports the text path uses.
var rawFuncs = []string{
	"malloc", "free", "FPDF_LoadMemDocument64", "FPDF_CloseDocument", "FPDF_GetLastError",
	"FPDF_GetPageCount", "FPDF_LoadPage", "FPDF_ClosePage", "FPDF_GetPageHeightF", "FPDF_GetPageWidthF", "FPDFText_GetCharAngle",
	"FPDFText_LoadPage", "FPDFText_ClosePage", "FPDFText_CountChars", "FPDFText_GetText",
	"FPDFText_GetLooseCharBox", "FPDFText_GetFontSize", "FPDFText_GetFontInfo",
	"FPDFText_GetFontWeight", "FPDFText_GetMatrix", "FPDFPage_CountObjects",
	"FPDFPage_GetObject", "FPDFPageObj_GetType", "FPDFText_GetUnicode", "FPDFPageObj_GetBounds",
	"FPDFBookmark_GetFirstChild", "FPDFBookmark_GetNextSibling", "FPDFBookmark_GetTitle",
	"FPDFBookmark_GetDest", "FPDFBookmark_GetAction", "FPDFAction_GetDest", "FPDFDest_GetDestPageIndex",
}

// newRaw finds the wazero module behind a go-pdfium webassembly instance.
// go-pdfium exposes it as the exported Module field of the implementation
// (whose type is internal to go-pdfium, hence reflection, once per
// conversion).
func newRaw(inst pdfium.Pdfium) (r *raw, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("pdfium internals not as expected: %v", p)
		}
	}()
	impl := reflect.ValueOf(inst.GetImplementation())
	if impl.Kind() != reflect.Pointer || impl.Elem().Kind() != reflect.Struct {
		return nil, errors.New("pdfium implementation is not a struct pointer")
	}
	mod := impl.Elem().FieldByName("Module")
	if !mod.IsValid() {
		return nil, errors.New("pdfium implementation has no Module")
	}
	mem, ok := mod.MethodByName("Memory").Call(nil)[0].Interface().(api.Memory)
	if !ok {
		return nil, errors.New("pdfium module memory is not a wazero memory")
	}
	r = &raw{ctx: context.Background(), mem: mem, fn: map[string]api.Function{}}
	export := mod.MethodByName("ExportedFunction")
	for _, name := range rawFuncs {
		f, ok := export.Call([]reflect.Value{reflect.ValueOf(name)})[0].Interface().(api.Function)
		if !ok {
			return nil, fmt.Errorf("pdfium export %s missing", name)
		}
		r.fn[name] = f
	}
	for _, name := range structFuncs { // optional: absent in some builds
		if f, ok := export.Call([]reflect.Value{reflect.ValueOf(name)})[0].Interface().(api.Function); ok && f != nil {
			r.fn[name] = f
		}
	}
	r.scratch = uint32(r.call("malloc", scratchSize))
	if r.scratch == 0 {
		return nil, errors.New("pdfium: out of memory")
	}
	return r, nil
}

// close frees the scratch buffer.
func (r *raw) close() { r.call("free", uint64(r.scratch)) }

// call invokes a PDFium export and returns its (first) result. Guest traps
// (out of memory, unreachable code) surface as panics, which Convert turns
// into a corrupt error.
func (r *raw) call(name string, args ...uint64) uint64 {
	copy(r.stack[:], args)
	if err := r.fn[name].CallWithStack(r.ctx, r.stack[:]); err != nil {
		panic(fmt.Errorf("pdfium %s: %w", name, err))
	}
	return r.stack[0]
}

func (r *raw) u32(off uint32) uint32 {
	v, _ := r.mem.ReadUint32Le(off)
	return v
}

func (r *raw) f32(off uint32) float64 {
	return float64(math.Float32frombits(r.u32(off)))
}

// loadDocument copies data into guest memory and opens it. The returned
// buffer must stay allocated until the document is closed.
func (r *raw) loadDocument(data []byte) (doc uint64, buf uint32, errCode int) {
	buf = uint32(r.call("malloc", uint64(max(len(data), 1))))
	if buf == 0 {
		return 0, 0, -1
	}
	r.mem.Write(buf, data)
	doc = r.call("FPDF_LoadMemDocument64", uint64(buf), uint64(len(data)), 0)
	if uint32(doc) == 0 {
		code := int(api.DecodeI32(r.call("FPDF_GetLastError")))
		r.call("free", uint64(buf))
		return 0, 0, code
	}
	return doc, buf, 0
}

// text returns n characters of a text page starting at 0 as UTF-16 units
// (up to two per character).
func (r *raw) text(tp uint64, n int) []uint16 {
	size := uint64(2*n+1) * 2
	buf := uint32(r.call("malloc", size))
	if buf == 0 {
		return nil
	}
	defer r.call("free", uint64(buf))
	got := int(api.DecodeI32(r.call("FPDFText_GetText", tp, 0, uint64(n), uint64(buf))))
	if got <= 0 {
		return nil
	}
	b, ok := r.mem.Read(buf, uint32(got*2))
	if !ok {
		return nil
	}
	units := make([]uint16, got)
	for i := range units {
		units[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return units[:got-1] // drop the terminating NUL
}

// looseBox returns character i's loose box (left, top, right, bottom) in
// PDF user space.
func (r *raw) looseBox(tp uint64, i int) (l, t, rt, b float64, ok bool) {
	if uint32(r.call("FPDFText_GetLooseCharBox", tp, uint64(i), uint64(r.scratch))) == 0 {
		return 0, 0, 0, 0, false
	}
	s := r.scratch
	return r.f32(s), r.f32(s + 4), r.f32(s + 8), r.f32(s + 12), true
}

// fontInfo returns character i's font name and descriptor flags.
func (r *raw) fontInfo(tp uint64, i int) (string, int) {
	flags := r.scratch + scratchSize - 4
	nameMax := uint64(scratchSize - 8)
	n := uint64(uint32(r.call("FPDFText_GetFontInfo", tp, uint64(i), uint64(r.scratch), nameMax, uint64(flags))))
	if n == 0 || n > nameMax {
		return "", 0
	}
	b, _ := r.mem.Read(r.scratch, uint32(n-1))
	return string(b), int(int32(r.u32(flags)))
}

// fontSize is character i's effective font size: the nominal size scaled
// by the character's matrix (Word and others set 1 pt fonts and scale).
func (r *raw) fontSize(tp uint64, i int) float64 {
	size := api.DecodeF64(r.call("FPDFText_GetFontSize", tp, uint64(i)))
	if uint32(r.call("FPDFText_GetMatrix", tp, uint64(i), uint64(r.scratch))) == 0 {
		return size
	}
	s := r.scratch
	a, b, c, d := r.f32(s), r.f32(s+4), r.f32(s+8), r.f32(s+12)
	scale := math.Sqrt(math.Abs(a*d - b*c))
	if scale <= 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return size
	}
	return size * scale
}
