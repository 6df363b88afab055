package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/llm/llmtest"
)

// fakeReviewer is an OpenAI-compatible model on loopback that reviews any
// document: scores of 8 with feedback, and evidence quoted from the
// section it was sent (the pipeline checks the quotations).
type fakeReviewer struct {
	srv *llmtest.Server
	t   *testing.T
}

func newFakeReviewer(t *testing.T) *fakeReviewer {
	f := &fakeReviewer{srv: llmtest.New(t), t: t}
	f.srv.Script(func(req llmtest.ChatRequest) llmtest.Reply {
		if !strings.Contains(req.Last(), "clarity_score") {
			t.Errorf("the fake reviewer got a request that is not a review: %.80q", req.Last())
			return llmtest.Reply{Status: 400, Message: "only reviews are scripted"}
		}
		quote := quotable(req.Last())
		b, _ := json.Marshal(map[string]any{
			"clarity_score": 8, "clarity_feedback": "Clear and direct.", "clarity_evidence": quote,
			"completeness_score": 8, "completeness_feedback": "Covers its subject.", "completeness_evidence": quote,
			"relevance_score": 8, "relevance_feedback": "On topic.", "relevance_evidence": quote,
			"markdown_score": 8, "markdown_feedback": "Sound structure.", "markdown_evidence": quote,
			"overall_feedback": "A clear document.", "pass_recommendation": "Pass"})
		return llmtest.Reply{Content: string(b)}
	})
	return f
}

// quotable picks a short quotation from the Markdown section of a review
// request: the start of its first line of plain text.
func quotable(prompt string) string {
	_, sec, ok := strings.Cut(prompt, "markdown\n")
	if !ok {
		return ""
	}
	for _, line := range strings.Split(sec, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(line, "#|-* "))
		if len(line) >= 12 && !strings.HasPrefix(line, "`") {
			return line[:12]
		}
	}
	return ""
}

// LLMFor answers every organization with the fake (a job.LLMResolver).
func (f *fakeReviewer) LLMFor(context.Context, string) (*llm.Endpoint, error) {
	c, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: f.srv.URL(), Model: "fake-reviewer", Timeout: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	return &llm.Endpoint{Chatter: c, Model: "fake-reviewer", ContextWindow: 8192, Source: "env"}, nil
}
