package pdf

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klippa-app/go-pdfium"

	"github.com/curatore/curatore/internal/extract/format"
)

// Reading a page's text layer is almost all PDFium work inside one
// WebAssembly instance, which runs on one core. A long document is
// therefore read by several instances at once: each opens its own copy of
// the document and takes the next unread page until none is left; the
// layout steps that look across pages (furniture, headings, the outline)
// run afterwards on the collected pages, in page order, so the result is
// the same whichever instance read a page.

// minParallelPages is the document length from which helper instances are
// worth their cost (taking an instance and opening the document in it is
// roughly the cost of reading one or two pages).
const minParallelPages = 8

// parallelPages turns page-parallel reading on; tests switch it off to
// compare with the sequential result.
var parallelPages = true

// pageReader hands out page numbers to the instances reading one document
// and keeps what they read by page number.
type pageReader struct {
	ctx  context.Context
	opts format.Options
	next atomic.Int64 // the next page number to hand out

	mu    sync.Mutex
	slots []pageSlot // by page number
	done  int        // pages finished, for opts.Progress
}

// pageSlot is one page's result: ok is false when PDFium could not load it.
type pageSlot struct {
	p  page
	ok bool
}

func newPageReader(ctx context.Context, n int, opts format.Options) *pageReader {
	return &pageReader{ctx: ctx, opts: opts, slots: make([]pageSlot, n)}
}

// run reads pages with one instance until every page is taken or the
// context ends.
func (pr *pageReader) run(r *raw, doc uint64) error {
	for {
		if err := pr.ctx.Err(); err != nil {
			return err
		}
		i := int(pr.next.Add(1)) - 1
		if i >= len(pr.slots) {
			return nil
		}
		p, ok := readPage(r, doc, i)
		pr.store(i, p, ok)
	}
}

// store keeps page i and reports progress. A page bound for OCR counts as
// done only once it has been recognised (see ocrPages).
func (pr *pageReader) store(i int, p page, ok bool) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.slots[i] = pageSlot{p: p, ok: ok}
	if !ok || !p.needsOCR {
		pr.done++
		pr.opts.Report(pr.done, len(pr.slots))
	}
}

// result returns the loaded pages in order, a warning per page that could
// not be loaded, and the number of pages finished so far.
func (pr *pageReader) result() (pages []page, warnings []string, done int) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for i, s := range pr.slots {
		if !s.ok {
			warnings = append(warnings, fmt.Sprintf("page %d could not be loaded", i+1))
			continue
		}
		pages = append(pages, s.p)
	}
	return pages, warnings, pr.done
}

// readPages reads pages 0..n-1 of the open document doc with r's instance
// and, for a long document, with helper instances from the pool. A helper
// that fails (a PDFium trap) fails the conversion, as it would on the
// main instance.
func readPages(ctx context.Context, r *raw, doc uint64, data []byte, n int, opts format.Options) ([]page, []string, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the helpers if the main instance panics
	pr := newPageReader(ctx, n, opts)
	helpers := helperCount(n)
	errs := make(chan error, helpers)
	for range helpers {
		go func() {
			err := readWithHelper(pr, data)
			if err != nil {
				cancel() // no point reading on: the conversion fails
			}
			errs <- err
		}()
	}
	err := pr.run(r, doc)
	for range helpers {
		if herr := <-errs; herr != nil {
			err = herr
		}
	}
	pages, warnings, done := pr.result()
	return pages, warnings, done, err
}

// helperCount is how many helper instances a document of n pages may
// use: one per spare core.
func helperCount(n int) int {
	if !parallelPages || n < minParallelPages {
		return 0
	}
	return min(runtime.GOMAXPROCS(0), maxWorkers, n/minParallelPages+1) - 1
}

// readWithHelper reads pages with a helper instance, taken from the pool
// without waiting: when the pool is busy (other conversions are running)
// the main instance reads the pages alone. The helper opens its own copy
// of the document, reads until no page is left, and gives the instance
// back (or discards it after a panic, which becomes a corrupt error).
func readWithHelper(pr *pageReader, data []byte) error {
	inst, err := instance(time.Millisecond)
	if err != nil {
		return nil
	}
	return readWithInstance(pr, inst, data)
}

func readWithInstance(pr *pageReader, inst pdfium.Pdfium, data []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			inst.Kill()
			err = &format.Error{Code: format.CodeCorrupt, Detail: "PDF engine failure", Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	r, err := newRaw(inst)
	if err != nil {
		inst.Close()
		return nil // the main instance reads the pages this one would have
	}
	doc, buf, _ := r.loadDocument(data)
	if doc == 0 {
		r.close()
		inst.Close()
		return nil
	}
	err = pr.run(r, doc)
	r.call("FPDF_CloseDocument", doc)
	r.call("free", uint64(buf))
	r.close()
	inst.Close()
	if pr.ctx.Err() != nil {
		return nil // the main instance reports the deadline
	}
	return err
}
