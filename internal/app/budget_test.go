package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/pipeline"
)

// TestBudgetStopsAReviewInSections: a review in sections whose first call
// spends the budget sends no second call; the evaluation is
// budget_exceeded, saying what was spent and where it stopped.
func TestBudgetStopsAReviewInSections(t *testing.T) {
	srv := llmtest.New(t)
	srv.Script(func(req llmtest.ChatRequest) llmtest.Reply {
		q := "Version 2.4 ships"
		b, _ := json.Marshal(map[string]any{
			"clarity_score": 8, "clarity_feedback": "Clear.", "clarity_evidence": q,
			"completeness_score": 8, "completeness_feedback": "Whole.", "completeness_evidence": q,
			"relevance_score": 8, "relevance_feedback": "On topic.", "relevance_evidence": q,
			"markdown_score": 8, "markdown_feedback": "Fine.", "markdown_evidence": q,
			"overall_feedback": "Clear.", "pass_recommendation": "Pass"})
		return llmtest.Reply{Content: string(b), PromptTokens: 500, CompletionTokens: 100}
	})
	c, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.URL(), Model: "test-model", Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ep := &llm.Endpoint{Model: "test-model", ContextWindow: 2500, Source: "env",
		Chatter: &budgetChatter{next: c, spent: 0, budget: 600, since: since}}
	var b strings.Builder
	b.WriteString("# Release notes\n\n")
	for i := 0; i < 6; i++ {
		b.WriteString("## Chapter\n\n" + strings.Repeat("Version 2.4 ships with 3 fixes. ", 60) + "\n\n")
	}
	in := pipeline.Input{Mode: pipeline.ModeEvaluate, Source: pipeline.Source{Markdown: b.String()}, LLM: ep}
	res, _, err := pipeline.New(pipeline.Config{Retries: -1}).Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	ev := res.LLMEvaluation
	if ev.Status != pipeline.StatusBudgetExceeded || !strings.Contains(ev.Reason, "600 of 600 tokens used since 2026-12-01") ||
		!strings.Contains(ev.Reason, "stopped before section 2 of") {
		t.Errorf("evaluation: %s %q", ev.Status, ev.Reason)
	}
	if !slices.Contains(res.ReasonCodes, pipeline.ReasonBudgetExceeded) {
		t.Errorf("reason codes %v", res.ReasonCodes)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("the model got %d calls, want 1", n)
	}
	for _, u := range res.Usage {
		if u.Stage == "review" && (u.Calls != 1 || u.PromptTokens+u.CompletionTokens != 600) {
			t.Errorf("review usage %+v: the refused call is not a call", u)
		}
	}
}

func TestMonthStart(t *testing.T) {
	at := time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)) // still 31 December in UTC
	if got := monthStart(at); !got.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("monthStart = %s", got)
	}
}
