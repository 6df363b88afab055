package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/format"
)

// testDoc is a small Markdown document with facts of every kind.
const testDoc = `# Release notes

Version 2.4 ships on 2025-02-14 with 3 fixes. Read https://example.com/notes for details.

## Upgrade

Run ` + "`curatore migrate`" + ` before you start the server.
`

// goodReview is a review of testDoc that passes.
func goodReview(score int) string {
	b, _ := json.Marshal(map[string]any{
		"clarity_score": score, "clarity_feedback": "Clear.", "clarity_evidence": "Version 2.4 ships",
		"completeness_score": score, "completeness_feedback": "Whole.", "completeness_evidence": "Release notes",
		"relevance_score": score, "relevance_feedback": "On topic.", "relevance_evidence": "with 3 fixes",
		"markdown_score": score, "markdown_feedback": "Headings fit.", "markdown_evidence": "before you start the server",
		"overall_feedback": "A short, clear note.", "pass_recommendation": "Pass",
	})
	return string(b)
}

// rewriteKeeping is an optimized testDoc with every fact kept.
const rewriteKeeping = "# Curatore 2.4 release notes\n\nCuratore version 2.4 ships on 14 February 2025 with 3 fixes. " +
	"Details: https://example.com/notes\n\n## Upgrading to 2.4\n\nRun `curatore migrate` before you start the server.\n"

// processInput is a ModeProcess input of testDoc through the native engine.
func processInput(optimize bool) Input {
	return Input{
		OrgID: "org", DocumentID: "doc", Mode: ModeProcess,
		Source:    Source{Filename: "notes.md", Data: []byte(testDoc)},
		Options:   Options{AutoOptimize: optimize, Thresholds: DefaultThresholds},
		Extractor: &extract.Extractor{Engines: []extract.Engine{extract.Native{}}},
	}
}

func TestRunProcessOptimized(t *testing.T) {
	model := newModel(t)
	model.reply(goodReview(8), rewriteKeeping, goodReview(9))
	in := processInput(true)
	in.LLM = model.endpoint(8192)
	var progress []Progress
	in.Progress = func(p Progress) { progress = append(progress, p) }
	res, versions, err := New(Config{}).Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].Kind != "extracted" || versions[1].Kind != "optimized" || versions[1].Rejected != "" {
		t.Fatalf("versions %+v", versions)
	}
	if !res.PassAllThresholds || !res.VectorOptimized || res.GatedVersion != "optimized" || res.LLMEvaluation.ClarityScore != 9 {
		t.Errorf("result: pass %v optimized %v gated %q eval %+v", res.PassAllThresholds, res.VectorOptimized, res.GatedVersion, res.LLMEvaluation)
	}
	if res.FactCheck == nil || !res.FactCheck.Passed || len(res.Reviews) != 2 || len(res.Checks) != 5 {
		t.Errorf("fact check %+v, reviews %d, checks %d", res.FactCheck, len(res.Reviews), len(res.Checks))
	}
	if res.ProcessingTime <= 0 || res.Engine != "native" || res.ConversionScore <= 0 {
		t.Errorf("processing time %v, engine %q, score %v", res.ProcessingTime, res.Engine, res.ConversionScore)
	}
	stages := map[string]StageUsage{}
	for _, u := range res.Usage {
		stages[u.Stage] = u
	}
	if u := stages["review"]; u.Calls != 1 || u.PromptTokens == 0 || u.CompletionTokens == 0 || u.Model != model.name {
		t.Errorf("review usage %+v", u)
	}
	if stages["optimize"].Calls != 1 || stages["review_optimized"].Calls != 1 || stages["extract"].Duration <= 0 {
		t.Errorf("usage %+v", res.Usage)
	}
	checkProgress(t, progress, "extract", "score", "review", "optimize", "gate", "done")
	// The stored JSON keeps the fields the documents helper reads.
	b, _ := json.Marshal(res)
	for _, key := range []string{`"conversion_score"`, `"pass_all_thresholds":true`, `"status":"completed"`, `"reason_codes":[]`, `"duration_ms"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestRunFactsDropped(t *testing.T) {
	model := newModel(t)
	model.reply(goodReview(8), "# Release notes\n\nA new version ships soon with some fixes.\n")
	in := processInput(true)
	in.LLM = model.endpoint(8192)
	res, versions, err := New(Config{}).Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[1].Rejected != ReasonFactsDropped {
		t.Fatalf("versions %+v", versions)
	}
	if res.VectorOptimized || res.GatedVersion != "extracted" || !contains(res.ReasonCodes, ReasonFactsDropped) || res.FactCheck.Passed {
		t.Errorf("gated %q codes %v fact check %+v", res.GatedVersion, res.ReasonCodes, res.FactCheck)
	}
	want := []string{"number 2.4", "number 3", "date 2025-02-14", "url https://example.com/notes", "code `curatore migrate`"}
	if strings.Join(res.FactCheck.Dropped, "|") != strings.Join(want, "|") {
		t.Errorf("dropped %q, want %q", res.FactCheck.Dropped, want)
	}
	if model.calls() != 2 {
		t.Errorf("%d calls: a rejected rewrite is not reviewed", model.calls())
	}
}

func TestRunWithoutLLM(t *testing.T) {
	for code, status := range map[string]string{"": StatusNotConfigured, ReasonNotConfigured: StatusNotConfigured, ReasonBudgetExceeded: StatusBudgetExceeded} {
		in := processInput(true)
		in.LLMUnavailable = code
		res, versions, err := New(Config{}).Run(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if res.LLMEvaluation.Status != status || len(versions) != 1 || res.VectorOptimized {
			t.Errorf("%q: status %q versions %d", code, res.LLMEvaluation.Status, len(versions))
		}
		if res.PassAllThresholds != (res.ConversionScore >= 70) || !res.Checks[1].Skipped {
			t.Errorf("%q: without a review only conversion decides: %+v", code, res.Checks)
		}
	}
}

func TestRunExtractionFails(t *testing.T) {
	in := processInput(false)
	in.Source.Data = nil
	res, versions, err := New(Config{}).Run(context.Background(), in)
	if format.CodeOf(err) != format.CodeEmpty || res != nil || versions != nil {
		t.Errorf("empty file: %v %v %v", err, res, versions)
	}
	in = processInput(false)
	in.Options.ExtractionEngine = "docling"
	if _, _, err := New(Config{}).Run(context.Background(), in); format.CodeOf(err) != format.CodeEngineUnavailable {
		t.Errorf("unconfigured engine: %v", err)
	}
}

func TestRunEvaluateAndRescore(t *testing.T) {
	model := newModel(t)
	model.reply(goodReview(5), goodReview(8))
	in := Input{Mode: ModeEvaluate, Source: Source{Markdown: testDoc}, LLM: model.endpoint(8192), Options: Options{AutoOptimize: true}}
	res, versions, err := New(Config{}).Run(context.Background(), in)
	if err != nil || len(versions) != 0 || res.GatedVersion != "current" || res.PassAllThresholds || !contains(res.ReasonCodes, ReasonClarity) {
		t.Fatalf("evaluate: %v versions %d gated %q codes %v", err, len(versions), res.GatedVersion, res.ReasonCodes)
	}
	if res.ThresholdsUsed != DefaultThresholds {
		t.Errorf("thresholds %+v", res.ThresholdsUsed)
	}
	in.Mode = ModeRescore
	in.Options.AutoOptimize = false
	res, versions, err = New(Config{}).Run(context.Background(), in)
	if err != nil || len(versions) != 0 || res.GatedVersion != "edited" || !res.PassAllThresholds {
		t.Fatalf("rescore: %v versions %d gated %q", err, len(versions), res.GatedVersion)
	}
}

func TestRunPDFPages(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("/work/shared/testdata/extraction/pdf", "docling_multi_page.pdf"))
	if err != nil {
		t.Skip(err)
	}
	in := processInput(false)
	in.Source = Source{Filename: "multi.pdf", Data: data}
	var ticks []Progress
	in.Progress = func(p Progress) {
		if p.Total > 0 {
			ticks = append(ticks, p)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, versions, err := New(Config{}).Run(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions[0].Pages) < 2 || len(res.ConversionResult.Pages) != len(versions[0].Pages) {
		t.Fatalf("pages %d, page scores %d", len(versions[0].Pages), len(res.ConversionResult.Pages))
	}
	if cov := signal(res.ConversionResult, "text_coverage"); cov.Weight == 0 || cov.Value < 0.8 {
		t.Errorf("coverage %+v", cov)
	}
	if len(ticks) == 0 || ticks[len(ticks)-1].Done != ticks[len(ticks)-1].Total {
		t.Errorf("page ticks %+v", ticks)
	}
}

// checkProgress checks that progress only grows, ends at 100, and passes
// through the stages in order.
func checkProgress(t *testing.T, ps []Progress, stages ...string) {
	t.Helper()
	last, si := -1, 0
	for _, p := range ps {
		if p.Percent < last {
			t.Errorf("progress went back: %+v after %d%%", p, last)
		}
		last = p.Percent
		for si < len(stages) && stages[si] != p.Stage {
			si++
		}
		if si == len(stages) {
			t.Errorf("stage %q out of order", p.Stage)
		}
	}
	if last != 100 {
		t.Errorf("progress ended at %d%%", last)
	}
}

// TestRunRewriteReviewFails: a rewrite whose review fails is not used;
// the input, which has a review, is judged.
func TestRunRewriteReviewFails(t *testing.T) {
	model := newModel(t)
	model.reply(goodReview(6), rewriteKeeping, "not json", "still not json")
	in := processInput(true)
	in.LLM = model.endpoint(8192)
	res, versions, err := New(Config{}).Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[1].Rejected != ReasonLLMFailed || res.GatedVersion != "extracted" || res.VectorOptimized {
		t.Fatalf("versions %+v gated %q", versions, res.GatedVersion)
	}
	if res.PassAllThresholds || !contains(res.ReasonCodes, ReasonClarity) || !contains(res.ReasonCodes, ReasonLLMFailed) {
		t.Errorf("pass %v codes %v: the input's low scores must still count", res.PassAllThresholds, res.ReasonCodes)
	}
}
