package pipeline

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/llm/llmtest"
)

// TestLLMFaults runs whole processing runs (optimize on) against the fake
// server misbehaving in each way the issue lists, through the real client:
// every run completes, with the review completed or failed with a reason,
// never an error or a hang.
func TestLLMFaults(t *testing.T) {
	outOfRange := strings.Replace(goodReview(8), `"clarity_score":8`, `"clarity_score":0`, 1)
	cfg := Config{CallTimeout: 300 * time.Millisecond, Retries: 2, Backoff: 10 * time.Millisecond}
	tests := []struct {
		name    string
		replies []llmtest.Reply
		status  string
		reason  string // in LLMEvaluation.Reason when failed
		calls   int    // review calls
	}{
		{"slow but in time", []llmtest.Reply{{Content: goodReview(8), Delay: 100 * time.Millisecond}}, StatusCompleted, "", 1},
		{"slower than the call timeout, then in time", []llmtest.Reply{{Delay: time.Second}, {Content: goodReview(8)}}, StatusCompleted, "", 2},
		{"5xx then answer", []llmtest.Reply{{Status: 500}, {Status: 503}, {Content: goodReview(8)}}, StatusCompleted, "", 3},
		{"5xx throughout", []llmtest.Reply{{Status: 502}, {Status: 502}, {Status: 502}}, StatusFailed, "unreachable after 3 attempt(s)", 3},
		{"429 with Retry-After", []llmtest.Reply{{Status: 429, RetryAfter: "1"}, {Content: goodReview(8)}}, StatusCompleted, "", 2},
		{"malformed HTTP body", []llmtest.Reply{{Raw: `{"id": "x", "choices": [`}}, StatusFailed, "LLM call failed", 1},
		{"not JSON, then JSON", []llmtest.Reply{{Content: "Looks fine to me."}, {Content: goodReview(8)}}, StatusCompleted, "", 2},
		{"not JSON twice", []llmtest.Reply{{Content: "Looks fine."}, {Content: "Still fine."}}, StatusFailed, "not a JSON object", 2},
		{"score out of range, then fixed", []llmtest.Reply{{Content: outOfRange}, {Content: goodReview(8)}}, StatusCompleted, "", 2},
		{"score out of range twice", []llmtest.Reply{{Content: outOfRange}, {Content: outOfRange}}, StatusFailed, "clarity_score is 0", 2},
		{"hang", []llmtest.Reply{{Hang: true}, {Hang: true}, {Hang: true}}, StatusFailed, "timed out", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel(t)
			m.answer(tt.replies...)
			if tt.status == StatusCompleted {
				m.reply(rewriteKeeping, goodReview(9)) // the rewrite and its review
			}
			in := processInput(true)
			in.LLM = m.endpoint(8192)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, versions, err := New(cfg).Run(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			ev := res.Reviews[0].Evaluation
			if ev.Status != tt.status || !strings.Contains(ev.Reason, tt.reason) {
				t.Fatalf("review %q (%s), want %q containing %q", ev.Status, ev.Reason, tt.status, tt.reason)
			}
			if u := res.Usage[2]; u.Stage != "review" || u.Calls != tt.calls {
				t.Errorf("review usage %+v, want %d calls", u, tt.calls)
			}
			switch tt.status {
			case StatusCompleted:
				if !res.VectorOptimized || len(versions) != 2 || res.LLMEvaluation.Status != StatusCompleted {
					t.Errorf("optimized %v, versions %d, gated review %q", res.VectorOptimized, len(versions), res.LLMEvaluation.Status)
				}
			case StatusFailed:
				if len(versions) != 1 || !contains(res.ReasonCodes, ReasonLLMFailed) || res.Checks[1].Score != nil {
					t.Errorf("versions %d, codes %v, checks %+v", len(versions), res.ReasonCodes, res.Checks)
				}
			}
			for _, key := range m.srv.Keys() {
				if key != modelKey {
					t.Errorf("the server got key %q", key)
				}
			}
		})
	}
}

// TestLLMRequests checks what the pipeline sends: the review in JSON mode
// at temperature 0 with the document and its keys, the rewrite at 0.2.
func TestLLMRequests(t *testing.T) {
	m := newModel(t)
	m.reply(goodReview(8), rewriteKeeping, goodReview(9))
	in := processInput(true)
	in.LLM = m.endpoint(8192)
	if _, _, err := New(Config{}).Run(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	reqs := m.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	review, rewrite := reqs[0], reqs[1]
	if !review.JSON() || review.Temperature == nil || *review.Temperature != 0 || !strings.Contains(review.Last(), "Version 2.4 ships") ||
		!strings.Contains(review.Last(), "clarity_evidence") || review.Messages[0].Role != "system" {
		t.Errorf("review request %+v", review)
	}
	if rewrite.JSON() || rewrite.Temperature == nil || *rewrite.Temperature != 0.2 || !strings.Contains(rewrite.Last(), "curatore migrate") {
		t.Errorf("rewrite request %+v", rewrite)
	}
	if !strings.Contains(reqs[2].Last(), "14 February 2025") {
		t.Error("the second review is not of the rewrite")
	}
}
