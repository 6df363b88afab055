package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/curatore/curatore/internal/chunk"
)

// Stats counts what an export wrote.
type Stats struct {
	Documents int   `json:"documents"`
	Chunks    int   `json:"chunks"`
	Bytes     int64 `json:"bytes"`
}

// Chunks loads one document version and returns its chunk records.
func Chunks(ctx context.Context, ref Ref, load Loader, opt chunk.Options) ([]Record, error) {
	md, pages, err := load.Load(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("export: load %s v%d: %w", ref.DocumentID, ref.Version, err)
	}
	chunks, err := chunk.Split(md, pages, opt)
	if err != nil {
		return nil, err
	}
	return Records(ref, chunks, opt.Tokenizer.Name()), nil
}

// WriteJSONL writes the chunk records of every ref to w, one JSON object
// per line, loading and chunking one document at a time.
func WriteJSONL(ctx context.Context, w io.Writer, refs Refs, load Loader, opt chunk.Options) (Stats, error) {
	if opt.Tokenizer == nil {
		return Stats{}, fmt.Errorf("export: no tokenizer")
	}
	if err := opt.Validate(); err != nil {
		return Stats{}, err
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var st Stats
	err := refs(ctx, func(ref Ref) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		records, err := Chunks(ctx, ref, load, opt)
		if err != nil {
			return err
		}
		for i := range records {
			if err := enc.Encode(&records[i]); err != nil {
				return err
			}
		}
		st.Documents++
		st.Chunks += len(records)
		return nil
	})
	if err == nil {
		err = bw.Flush()
	}
	st.Bytes = cw.n
	return st, err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
