package job

import (
	"context"
	"fmt"
	"time"

	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/pipeline"
)

// NoLLM is the LLM resolver of a server without LLM connections: every
// organization gets llm.ErrNotConfigured (the result says so).
type NoLLM struct{}

// LLMFor implements LLMResolver.
func (NoLLM) LLMFor(context.Context, string) (*llm.Endpoint, error) { return nil, llm.ErrNotConfigured }

// OneExtractor gives every organization the same extractor (the one the
// environment configures).
type OneExtractor struct{ X *extract.Extractor }

// ExtractorFor implements ExtractorResolver.
func (o OneExtractor) ExtractorFor(context.Context, string) (*extract.Extractor, error) {
	return o.X, nil
}

// ExtractOnly is the runner used while the scoring stages are not wired in:
// it extracts (reporting its progress), keeps the extracted version, and
// says in the result that nothing was scored — no score is invented.
type ExtractOnly struct{}

// Run implements pipeline.Runner.
func (ExtractOnly) Run(ctx context.Context, in pipeline.Input) (*pipeline.Result, []pipeline.Version, error) {
	start := time.Now()
	report := func(stage string, pct int, msg string) {
		if in.Progress != nil {
			in.Progress(pipeline.Progress{Stage: stage, Percent: pct, Level: "info", Message: msg})
		}
	}
	res := &pipeline.Result{DocumentID: in.DocumentID, Filename: in.Source.Filename, Status: "completed", Success: true,
		ThresholdsUsed: in.Options.Thresholds, ReasonCodes: []string{"scoring_unavailable"}, Usage: []pipeline.StageUsage{},
		LLMEvaluation: &pipeline.LLMEvaluation{Status: "not_configured", Reason: "the review stage is not available in this build"}}
	var versions []pipeline.Version
	if in.Mode == pipeline.ModeProcess {
		report("extract", 5, "Conversion started")
		x, err := in.Extractor.Extract(ctx, extract.Input{Name: in.Source.Filename, Data: in.Source.Data})
		if err != nil {
			return nil, nil, err
		}
		res.Engine, res.Attempts = x.Engine, x.Attempts
		res.ConversionResult = pipeline.ConversionResult{Success: true, ExtractionEngine: x.Engine, TotalCharacters: x.Chars,
			ProcessingTime: x.Duration.Seconds(), Signals: []pipeline.Signal{},
			ConversionNotes: []string{"conversion scoring is not available in this build"}}
		versions = append(versions, pipeline.Version{Kind: "extracted", Markdown: x.Markdown, Pages: x.Pages})
		report("extract", 90, fmt.Sprintf("Extractor used: %s (%d characters)", x.Engine, x.Chars))
	}
	res.ProcessingTime = time.Since(start).Seconds()
	res.ProcessedAt = time.Now().UTC()
	return res, versions, nil
}
