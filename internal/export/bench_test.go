package export

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/extract/format"
)

// generated is a Loader that makes each document's Markdown (about 24 KiB,
// five pages) when it is loaded, so the benchmark holds no corpus.
type generated struct{}

func (generated) Load(_ context.Context, ref Ref) (string, []format.Page, error) {
	var b strings.Builder
	var pages []format.Page
	for p := 1; p <= 5; p++ {
		pages = append(pages, format.Page{Number: p, Start: b.Len()})
		fmt.Fprintf(&b, "# %s, part %d\n\n", ref.DocumentID, p)
		for s := range 4 {
			fmt.Fprintf(&b, "## Section %d\n\n", s)
			b.WriteString(strings.Repeat("The figures for this quarter are shown below with their notes. ", 12) + "\n\n")
			b.WriteString("| item | value |\n|---|---|\n| revenue | 1200 |\n| cost | 800 |\n\n")
			b.WriteString("```\n# a comment\nx = 1\n```\n\n")
		}
	}
	return b.String(), pages, nil
}

func benchRefs(n int) []Ref {
	refs := make([]Ref, n)
	for i := range refs {
		refs[i] = Ref{DocumentID: fmt.Sprintf("doc-%05d", i), Filename: fmt.Sprintf("report %d.pdf", i%500), Source: "upload", Version: 1, Quality: ready(80)}
	}
	return refs
}

// liveHeap is a Loader that measures the live heap (after a collection)
// every 100 documents, while the export holds whatever it keeps.
type liveHeap struct {
	Loader
	loads int
	peak  uint64
}

func (l *liveHeap) Load(ctx context.Context, ref Ref) (string, []format.Page, error) {
	if l.loads++; l.loads%100 == 0 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		l.peak = max(l.peak, ms.HeapAlloc)
	}
	return l.Loader.Load(ctx, ref)
}

func maxRSS() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // KiB on Linux
}

// BenchmarkExport streams 200 and 2,000 document exports to io.Discard and
// reports the largest live heap seen (flat when the document count grows
// tenfold, but for the few hundred bytes per document of the ZIP central
// directory and the manifest),
// the process's peak RSS and the output size.
func BenchmarkExport(b *testing.B) {
	tk, err := chunk.NewTokenizer(chunk.TokenizerCL100K)
	if err != nil {
		b.Fatal(err)
	}
	kinds := map[string]func(context.Context, io.Writer, []Ref, Loader) (int64, error){
		"zip-individual": func(ctx context.Context, w io.Writer, refs []Ref, l Loader) (int64, error) {
			cw := &countingWriter{w: w}
			_, err := WriteZip(ctx, cw, RefList(refs), l, ZipOptions{Type: TypeIndividual, IncludeSummary: true})
			return cw.n, err
		},
		"zip-combined": func(ctx context.Context, w io.Writer, refs []Ref, l Loader) (int64, error) {
			cw := &countingWriter{w: w}
			_, err := WriteZip(ctx, cw, RefList(refs), l, ZipOptions{Type: TypeCombined, IncludeSummary: true})
			return cw.n, err
		},
		"jsonl": func(ctx context.Context, w io.Writer, refs []Ref, l Loader) (int64, error) {
			st, err := WriteJSONL(ctx, w, RefList(refs), l, chunk.Options{Size: 512, Overlap: 64, Tokenizer: tk})
			return st.Bytes, err
		},
	}
	for _, kind := range []string{"zip-individual", "zip-combined", "jsonl"} {
		for _, n := range []int{200, 2000} {
			refs := benchRefs(n)
			b.Run(fmt.Sprintf("%s/docs=%d", kind, n), func(b *testing.B) {
				b.ReportAllocs()
				var size int64
				live := &liveHeap{Loader: generated{}}
				for b.Loop() {
					if size, err = kinds[kind](context.Background(), io.Discard, refs, live); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(live.peak)/(1<<20), "live-heap-MiB")
				b.ReportMetric(maxRSS(), "max-RSS-MiB")
				b.ReportMetric(float64(size)/(1<<20), "output-MiB")
			})
		}
	}
}
