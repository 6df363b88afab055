package extract

import (
	"context"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/remote"
)

// DoclingEngine is Docling Serve as an Engine.
type DoclingEngine struct{ Client *remote.Docling }

// Name returns "docling".
func (DoclingEngine) Name() string { return EngineDocling }

// Extract sends in to Docling Serve.
func (d DoclingEngine) Extract(ctx context.Context, in Input, _ format.Options) (*Result, error) {
	start := time.Now()
	r, err := d.Client.Convert(ctx, in.Name, in.Data)
	return remoteResult(EngineDocling, r, err, start)
}

// Health checks that Docling Serve is reachable.
func (d DoclingEngine) Health(ctx context.Context) error { return d.Client.Health(ctx) }

// ServiceEngine is the reference's extraction service as an Engine.
type ServiceEngine struct{ Client *remote.Service }

// Name returns "default", the reference's name for this engine.
func (ServiceEngine) Name() string { return EngineService }

// Extract sends in to the extraction service.
func (s ServiceEngine) Extract(ctx context.Context, in Input, _ format.Options) (*Result, error) {
	start := time.Now()
	r, err := s.Client.Convert(ctx, in.Name, in.Data)
	return remoteResult(EngineService, r, err, start)
}

// Health checks that the extraction service is reachable.
func (s ServiceEngine) Health(ctx context.Context) error { return s.Client.Health(ctx) }

// remoteResult adapts a remote answer; an error with a code becomes a
// *format.Error that still unwraps to the *remote.Error (and its Temporary).
func remoteResult(engine string, r *remote.Result, err error, start time.Time) (*Result, error) {
	if err != nil {
		var re *remote.Error
		if errors.As(err, &re) && re.Code != "" {
			return nil, &format.Error{Code: re.Code, Detail: engine + " engine failed", Err: err}
		}
		return nil, err
	}
	md := format.TidyMarkdown(r.Markdown)
	res := newResult(engine, format.Output{Markdown: md, Method: r.Method, PageCount: r.PageCount,
		OCRUsed: r.OCRUsed, Warnings: r.Warnings})
	res.Duration = time.Since(start)
	return res, nil
}
