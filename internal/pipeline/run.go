package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/format"
)

// runner is the Runner New returns.
type runner struct{ cfg Config }

// New returns the pipeline Runner. cfg tunes the LLM calls; its zero value
// is usable.
func New(cfg Config) Runner { return &runner{cfg: cfg.withDefaults()} }

// run is the state of one Run.
type run struct {
	in       Input
	cfg      Config
	res      *Result
	versions []Version
	usage    []*StageUsage
	plan     plan
	// sourceChars and declared are what the extraction learnt about the
	// source (documents without pages; declared structure).
	sourceChars int
	declared    *format.Structure
}

// Run executes the stages of in.Mode. A failed extraction is returned as
// an error carrying its format.Code, and ctx's error when ctx ends; every
// other problem (LLM down, malformed replies, dropped facts) is reported
// in the Result.
func (r *runner) Run(ctx context.Context, in Input) (*Result, []Version, error) {
	start := time.Now()
	if in.Options.Thresholds == (Thresholds{}) {
		in.Options.Thresholds = DefaultThresholds
	}
	x := &run{in: in, cfg: r.cfg, plan: newPlan(in), res: &Result{
		DocumentID: in.DocumentID, Filename: in.Source.Filename, ThresholdsUsed: in.Options.Thresholds,
		ReasonCodes: []string{}, Attempts: []extract.Attempt{}, Usage: []StageUsage{},
	}}
	md, pages, kind, err := x.source(ctx)
	if err != nil {
		return nil, nil, err
	}
	x.score(md, SourceFacts{Pages: pages, Chars: x.sourceChars, Declared: x.declared})
	ev, err := x.review(ctx, "review", md)
	if err != nil {
		return nil, nil, err
	}
	x.res.Reviews = append(x.res.Reviews, VersionReview{Version: kind, Evaluation: ev})
	gated, gatedEv, flags, err := x.optimize(ctx, kind, md, ev)
	if err != nil {
		return nil, nil, err
	}
	x.gate(gated, gatedEv, flags)
	for _, u := range x.usage {
		x.res.Usage = append(x.res.Usage, *u)
	}
	x.res.Status, x.res.Success = "completed", true
	x.res.ProcessingTime = time.Since(start).Seconds()
	x.res.ProcessedAt = time.Now().UTC()
	x.report("done", 1, 1, "info", "Completed processing")
	return x.res, x.versions, nil
}

// score runs the conversion score stage.
func (x *run) score(md string, src SourceFacts) {
	u := x.stage("score")
	x.report("score", 0, 1, "info", "Conversion scoring started")
	start := time.Now()
	cr := ScoreConversion(md, src, x.res.Engine)
	cr.ProcessingTime = x.res.ConversionResult.ProcessingTime + time.Since(start).Seconds()
	x.res.ConversionResult = cr
	x.res.ConversionScore = cr.ConversionScore
	u.Duration = time.Since(start)
	x.report("score", 1, 1, "info", fmt.Sprintf("Conversion complete (score %.0f/100)", cr.ConversionScore))
}

// review runs an LLM review of md as stage ("review", or
// "review_optimized" for the rewrite); a missing LLM gives the evaluation
// that says why.
func (x *run) review(ctx context.Context, stage, md string) (*LLMEvaluation, error) {
	if x.in.LLM == nil {
		ev := unavailable(x.in.LLMUnavailable)
		if x.in.LLMUnavailableDetail != "" {
			ev.Reason = x.in.LLMUnavailableDetail
		}
		x.report(stage, 1, 1, "warning", "Quality analysis skipped: "+ev.Reason)
		return ev, nil
	}
	u := x.stage(stage)
	start := time.Now()
	x.report(stage, 0, 1, "info", "Quality analysis started")
	c := &caller{ep: x.in.LLM, cfg: x.cfg, usage: u, tick: x.sectionTicker(stage, "Reviewed")}
	ev, err := review(ctx, c, md)
	u.Duration = time.Since(start)
	if u.Model == "" {
		u.Model = x.in.LLM.Model
	}
	if err != nil {
		return nil, err
	}
	if ev.Status != StatusCompleted {
		x.report(stage, 1, 1, "warning", "Quality analysis failed: "+ev.Reason)
	} else {
		x.report(stage, 1, 1, "info", fmt.Sprintf("Quality analysis complete (clarity %.1f, completeness %.1f, relevance %.1f, markdown %.1f)",
			ev.ClarityScore, ev.CompletenessScore, ev.RelevanceScore, ev.MarkdownScore))
	}
	return ev, nil
}

// unavailable is the evaluation of a run without an LLM endpoint.
func unavailable(code string) *LLMEvaluation {
	if code == ReasonBudgetExceeded {
		return &LLMEvaluation{Status: StatusBudgetExceeded, Reason: "the organization's LLM token budget is exceeded"}
	}
	return &LLMEvaluation{Status: StatusNotConfigured, Reason: "no LLM connection is configured"}
}

// gate records the verdict on the gated version.
func (x *run) gate(kind string, ev *LLMEvaluation, flags []string) {
	u := x.stage("gate")
	start := time.Now()
	x.res.GatedVersion = kind
	x.res.LLMEvaluation = ev
	checks, pass, codes := Gate(x.in.Options.Thresholds, x.res.ConversionScore, ev)
	x.res.Checks, x.res.PassAllThresholds = checks, pass
	x.res.ReasonCodes = append(codes, flags...)
	u.Duration = time.Since(start)
	if pass {
		x.report("gate", 1, 1, "info", "File passed quality thresholds")
	} else {
		x.report("gate", 1, 1, "warning", "File did not meet quality thresholds")
	}
}

// sectionTicker reports sections done of a stage that works in sections.
func (x *run) sectionTicker(stage, verb string) func(done, total int) {
	return func(done, total int) {
		if total > 1 {
			x.report(stage, done, total, "info", fmt.Sprintf("%s section %d of %d", verb, done, total))
		}
	}
}

// stage adds a usage record for a stage and returns it for filling in.
func (x *run) stage(name string) *StageUsage {
	u := &StageUsage{Stage: name}
	x.usage = append(x.usage, u)
	return u
}

// report sends a progress report: stage at done of total of its share.
func (x *run) report(stage string, done, total int, level, msg string) {
	if x.in.Progress == nil {
		return
	}
	x.in.Progress(Progress{Stage: stageName(stage), Percent: x.plan.percent(stage, done, total), Level: level, Message: msg})
}
