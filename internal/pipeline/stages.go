package pipeline

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/format"
)

// source returns the Markdown the run works on, its page map and its
// version kind: extracted from the file (ModeProcess), or the version the
// caller passed (ModeEvaluate: "current", ModeRescore: "edited").
func (x *run) source(ctx context.Context) (string, []PageRef, string, error) {
	switch x.in.Mode {
	case ModeProcess, "":
		md, pages, err := x.extract(ctx)
		return md, pages, "extracted", err
	case ModeEvaluate:
		return x.in.Source.Markdown, x.in.Source.Pages, "current", nil
	case ModeRescore:
		return x.in.Source.Markdown, x.in.Source.Pages, "edited", nil
	}
	return "", nil, "", fmt.Errorf("pipeline: unknown mode %q", x.in.Mode)
}

// extract runs the extraction stage: the organization's extractor, with
// the engine the options ask for tried first, reporting pages done.
func (x *run) extract(ctx context.Context) (_ string, _ []PageRef, err error) {
	u := x.stage("extract")
	start := time.Now()
	defer func() {
		u.Duration = time.Since(start)
		x.observeExtraction(ctx, start, err)
	}()
	x.report("extract", 0, 1, "info", "Conversion started")
	if x.in.Extractor == nil {
		return "", nil, format.Errorf(format.CodeEngineUnavailable, "no extraction engine is configured")
	}
	ex, err := x.in.Extractor.Prefer(x.in.Options.ExtractionEngine)
	if err != nil {
		x.report("extract", 1, 1, "error", "Extraction failed: "+err.Error())
		return "", nil, err
	}
	names := make([]string, len(ex.Engines))
	for i, e := range ex.Engines {
		names[i] = e.Name()
	}
	x.report("extract", 0, 1, "info", "Extractor: "+strings.Join(names, " → "))
	var mu sync.Mutex
	open, lastPercent := true, -1
	ex.Options.Progress = func(done, total int) {
		// Called from the converter's goroutine, which may outlive a
		// timed-out extraction: nothing is reported after it returned.
		mu.Lock()
		defer mu.Unlock()
		if p := x.plan.percent("extract", done, total); open && (p != lastPercent || done == total) {
			lastPercent = p
			x.reportPages(done, total)
		}
	}
	res, err := ex.Extract(ctx, extract.Input{Name: x.in.Source.Filename, ContentType: x.in.Source.ContentType, Data: x.in.Source.Data})
	mu.Lock()
	open = false
	mu.Unlock()
	if err != nil {
		x.report("extract", 1, 1, "error", "Extraction failed: "+err.Error())
		return "", nil, err
	}
	x.res.Engine, x.res.Attempts, x.sourceChars, x.declared = res.Engine, res.Attempts, res.SourceChars, res.Declared
	x.res.ConversionResult.ProcessingTime = res.Duration.Seconds()
	for _, w := range res.Warnings {
		x.report("extract", 1, 1, "warning", w)
	}
	x.report("extract", 1, 1, "info", fmt.Sprintf("Extractor used: %s (%s, %d page(s))", res.Engine, res.Method, res.PageCount))
	x.versions = append(x.versions, Version{Kind: "extracted", Markdown: res.Markdown, Pages: res.Pages})
	return res.Markdown, res.Pages, nil
}

// reportPages reports extraction progress in pages.
func (x *run) reportPages(done, total int) {
	if x.in.Progress == nil {
		return
	}
	x.in.Progress(Progress{Stage: "extract", Percent: x.plan.percent("extract", done, total), Level: "info",
		Message: fmt.Sprintf("Extracted page %d of %d", done, total), Done: done, Total: total})
}

// optimize runs the rewrite when the options ask for it, checks its facts
// and reviews it. It returns the version kind the gate judges, its review,
// and flags (reason codes) for a rewrite that failed or dropped facts.
func (x *run) optimize(ctx context.Context, kind, md string, ev *LLMEvaluation) (string, *LLMEvaluation, []string, error) {
	switch {
	case !x.in.Options.AutoOptimize || x.in.Mode == ModeEvaluate:
		return kind, ev, nil, nil
	case x.in.LLM == nil:
		x.report("optimize", 1, 1, "info", "Optimization skipped: "+ev.Reason)
		return kind, ev, nil, nil
	case ev.Status == StatusFailed:
		x.report("optimize", 1, 1, "warning", "Optimization skipped: the LLM review failed")
		return kind, ev, []string{ReasonOptimizeFailed}, nil
	}
	u := x.stage("optimize")
	start := time.Now()
	x.report("optimize", 0, 1, "info", "Optimization started")
	text, err := optimize(ctx, &caller{ep: x.in.LLM, cfg: x.cfg, usage: u, tick: x.sectionTicker("optimize", "Rewrote")}, md)
	u.Duration = time.Since(start)
	if u.Model == "" {
		u.Model = x.in.LLM.Model
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, nil, ctx.Err()
		}
		x.report("optimize", 1, 1, "warning", "Optimization skipped: "+failureReason(err, 1, 1))
		return kind, ev, []string{ReasonOptimizeFailed}, nil
	}
	fc := FactCheckText(md, text)
	x.res.FactCheck = &fc
	v := Version{Kind: "optimized", Markdown: text}
	if !fc.Passed {
		v.Rejected = ReasonFactsDropped
		x.versions = append(x.versions, v)
		x.report("optimize", 1, 1, "warning", fmt.Sprintf("Optimization rejected: the rewrite dropped %d fact(s): %s",
			len(fc.Dropped), shorten(strings.Join(fc.Dropped, "; "), 300)))
		return kind, ev, []string{ReasonFactsDropped}, nil
	}
	x.report("optimize", 1, 1, "info", "Optimization applied; reviewing the rewrite")
	oev, err := x.review(ctx, "review_optimized", text)
	if err != nil {
		return "", nil, nil, err
	}
	x.res.Reviews = append(x.res.Reviews, VersionReview{Version: "optimized", Evaluation: oev})
	if oev.Status != StatusCompleted {
		// An unreviewed rewrite is not judged on the conversion score
		// alone: the input, which has a review, is.
		v.Rejected = ReasonLLMFailed
		x.versions = append(x.versions, v)
		return kind, ev, []string{ReasonLLMFailed}, nil
	}
	x.versions = append(x.versions, v)
	x.res.VectorOptimized = true
	return "optimized", oev, nil, nil
}
