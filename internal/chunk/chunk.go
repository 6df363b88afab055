// Package chunk cuts a document's Markdown into chunks for a retrieval
// index. It splits on headings first, then on paragraphs (then lines,
// sentences, words and, as a last resort, tokens) so that every chunk holds
// at most Options.Size tokens of the chosen tokenizer, with
// Options.Overlap tokens repeated from the chunk before. Tables are kept
// whole when they fit and are otherwise split by rows with the header
// repeated in the embedding text; a code block that fits is never split.
//
// Every chunk's Text is exactly Markdown[Start:End], so offsets can be
// checked and highlighted; the context that is repeated (the heading path,
// a split table's header) goes into EmbedText only. The package is pure:
// no database, no HTTP, no network (the tokenizers are compiled in).
package chunk

import (
	"fmt"
	"sort"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// The limits and defaults of Options.
const (
	MinSize        = 32
	MaxSize        = 32768
	DefaultSize    = 512
	DefaultOverlap = 64
)

// Options say how large chunks may be and how tokens are counted.
type Options struct {
	Size      int       // most tokens in a chunk's EmbedText (and so its Text)
	Overlap   int       // tokens of the previous chunk repeated at the start of the next, within a section
	Tokenizer Tokenizer // nil means DefaultTokenizer
}

// FieldError is an invalid option, named as the request names it.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Validate checks the sizes; the error is a *FieldError.
func (o Options) Validate() error {
	switch {
	case o.Size < MinSize || o.Size > MaxSize:
		return &FieldError{"chunk_size", fmt.Sprintf("must be between %d and %d tokens", MinSize, MaxSize)}
	case o.Overlap < 0 || o.Overlap > o.Size/2:
		return &FieldError{"chunk_overlap", fmt.Sprintf("must be between 0 and half of chunk_size (%d)", o.Size/2)}
	}
	return nil
}

// Chunk is one piece of a document.
type Chunk struct {
	Index       int      // 0-based position in the document
	Text        string   // Markdown[Start:End]
	EmbedText   string   // heading path (and a split table's header) followed by Text
	HeadingPath []string // titles of the enclosing headings, outermost first
	Pages       []int    // pages (slides, sheets) the span covers; empty when the source has none
	Start, End  int      // byte offsets of Text in the Markdown
	Tokens      int      // tokens in Text
	EmbedTokens int      // tokens in EmbedText (≤ Options.Size)
}

// Split cuts markdown into chunks. pages is the version's page map (where
// each page starts in markdown); it may be empty.
func Split(markdown string, pages []format.Page, opt Options) ([]Chunk, error) {
	if opt.Tokenizer == nil {
		t, err := NewTokenizer(DefaultTokenizer)
		if err != nil {
			return nil, err
		}
		opt.Tokenizer = t
	}
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	p := newPacker(markdown, opt)
	p.sections(parseBlocks(markdown))
	idx := newPageIndex(pages)
	for i := range p.out {
		p.out[i].Index = i
		p.out[i].Pages = idx.covering(p.out[i].Start, p.out[i].End)
	}
	return p.out, nil
}

// pageIndex finds the pages a span covers: page i runs from its Start to
// the next page's Start.
type pageIndex []format.Page

func newPageIndex(pages []format.Page) pageIndex {
	idx := append(pageIndex(nil), pages...)
	sort.SliceStable(idx, func(i, j int) bool { return idx[i].Start < idx[j].Start })
	return idx
}

func (idx pageIndex) covering(start, end int) []int {
	out := []int{}
	for i, pg := range idx {
		next := int(^uint(0) >> 1)
		if i+1 < len(idx) {
			next = idx[i+1].Start
		}
		if pg.Start < end && next > start && next > pg.Start {
			out = append(out, pg.Number)
		}
	}
	return out
}

// headingPrefix is the embedding prefix of a heading path, capped at half
// the chunk size so that a runaway heading still leaves room for text.
func headingPrefix(path []string, opt Options) string {
	if len(path) == 0 {
		return ""
	}
	p := strings.Join(path, " > ")
	if limit := opt.Size/2 - 2; opt.Tokenizer.Count(p) > limit {
		p = strings.TrimSpace(p[:opt.Tokenizer.Prefix(p, limit)])
	}
	return p + "\n\n"
}
