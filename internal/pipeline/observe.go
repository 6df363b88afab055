package pipeline

import (
	"context"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/extract"
)

// Observer is told what runs did, for metrics. Its methods must be quick
// and safe for concurrent use; they get no tenant data.
type Observer interface {
	// Extracted: one conversion of a source of format (extract.Sniff's
	// kind, "unknown" when unsupported) ended with outcome (success,
	// failed, cancelled) after d.
	Extracted(format, outcome string, d time.Duration)
}

// The outcomes Extracted reports.
const (
	ExtractSuccess   = "success"
	ExtractFailed    = "failed"
	ExtractCancelled = "cancelled"
)

// sniffBytes is as much of the source as extract.Sniff needs.
const sniffBytes = 8 << 10

// observeExtraction reports a conversion that began at start and ended
// with err to the observer, if any.
func (x *run) observeExtraction(ctx context.Context, start time.Time, err error) {
	if x.cfg.Observer == nil {
		return
	}
	src := x.in.Source
	format, serr := extract.Sniff(src.Filename, src.ContentType, src.Data[:min(len(src.Data), sniffBytes)])
	if serr != nil || format == "" {
		format = "unknown"
	}
	outcome := ExtractSuccess
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		outcome = ExtractCancelled
	case err != nil:
		outcome = ExtractFailed
	}
	x.cfg.Observer.Extracted(format, outcome, time.Since(start))
}
