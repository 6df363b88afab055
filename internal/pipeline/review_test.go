package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/llm/llmtest"
)

// fastRetries retries quickly so the tests do not wait.
var fastRetries = Config{Backoff: time.Millisecond, Retries: 2, CallTimeout: 5 * time.Second}

func evaluate(t *testing.T, m *model, window int, cfg Config) *Result {
	t.Helper()
	in := Input{Mode: ModeEvaluate, Source: Source{Markdown: testDoc}, LLM: m.endpoint(window)}
	res, _, err := New(cfg).Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReviewMalformedRetriedOnce(t *testing.T) {
	m := newModel(t)
	m.reply("Here are my thoughts: the document is fine.", goodReview(8))
	res := evaluate(t, m, 8192, fastRetries)
	if res.LLMEvaluation.Status != StatusCompleted || m.calls() != 2 {
		t.Fatalf("status %q after %d calls", res.LLMEvaluation.Status, m.calls())
	}
	// The retry shows the model its reply and what was wrong with it.
	retry := m.requests()[1].Messages
	if len(retry) != 4 || retry[2].Role != "assistant" || !strings.Contains(retry[3].Content, "not a JSON object") {
		t.Errorf("retry messages %+v", retry)
	}
}

func TestReviewMalformedTwiceFails(t *testing.T) {
	bad := strings.Replace(goodReview(8), `"clarity_score":8`, `"clarity_score":12`, 1)
	m := newModel(t)
	m.reply(bad, bad)
	res := evaluate(t, m, 8192, fastRetries)
	ev := res.LLMEvaluation
	if ev.Status != StatusFailed || !strings.Contains(ev.Reason, "malformed model output") || !strings.Contains(ev.Reason, "clarity_score is 12") {
		t.Errorf("evaluation %+v", ev)
	}
	if !contains(res.ReasonCodes, ReasonLLMFailed) || m.calls() != 2 {
		t.Errorf("codes %v calls %d", res.ReasonCodes, m.calls())
	}
}

func TestReviewTransientRetried(t *testing.T) {
	m := newModel(t)
	m.answer(llmtest.Reply{Status: 502, Message: "bad gateway"},
		llmtest.Reply{Status: 429, Code: "rate_limit_exceeded", RetryAfter: "1"})
	m.reply(goodReview(8))
	start := time.Now()
	res := evaluate(t, m, 8192, fastRetries)
	if res.LLMEvaluation.Status != StatusCompleted || m.calls() != 3 {
		t.Fatalf("status %q calls %d", res.LLMEvaluation.Status, m.calls())
	}
	if time.Since(start) < time.Second {
		t.Error("Retry-After: 1 was not honoured")
	}
	if u := res.Usage[1]; u.Stage != "review" || u.Calls != 3 {
		t.Errorf("usage %+v", res.Usage)
	}
}

func TestReviewUnreachableFails(t *testing.T) {
	m := newModel(t)
	for i := 0; i < 3; i++ {
		m.answer(llmtest.Reply{Status: 503, Message: "unavailable"})
	}
	res := evaluate(t, m, 8192, fastRetries)
	if ev := res.LLMEvaluation; ev.Status != StatusFailed || !strings.Contains(ev.Reason, "unreachable after 3 attempt(s)") {
		t.Errorf("evaluation %+v", ev)
	}
	// A refused request is not retried.
	m = newModel(t)
	m.answer(llmtest.Reply{Status: 401, Code: "invalid_api_key", Message: "Incorrect API key provided."})
	if ev := evaluate(t, m, 8192, fastRetries).LLMEvaluation; ev.Status != StatusFailed || m.calls() != 1 {
		t.Errorf("refused: %+v after %d calls", ev, m.calls())
	}
	// A server asking to wait longer than MaxWait ends the retries.
	m = newModel(t)
	m.answer(llmtest.Reply{Status: 429, RetryAfter: "3600"})
	if ev := evaluate(t, m, 8192, fastRetries).LLMEvaluation; ev.Status != StatusFailed || m.calls() != 1 {
		t.Errorf("long Retry-After: %+v after %d calls", ev, m.calls())
	}
}

func TestReviewCancelled(t *testing.T) {
	m := newModel(t)
	ctx, cancel := context.WithCancel(context.Background())
	m.srv.Script(func(llmtest.ChatRequest) llmtest.Reply { cancel(); return llmtest.Reply{Hang: true} })
	in := Input{Mode: ModeEvaluate, Source: Source{Markdown: testDoc}, LLM: m.endpoint(8192)}
	if _, _, err := New(fastRetries).Run(ctx, in); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}

func TestReviewInSections(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 6; i++ {
		b.WriteString("## Chapter\n\n" + strings.Repeat("Version 2.4 ships with 3 fixes. ", 60) + "\n\n")
	}
	doc := "# Release notes\n\n" + b.String() + "## Upgrade\n\nbefore you start the server\n"
	m := newModel(t)
	// Every section quotes text it holds: the evidence of goodReview is
	// spread so that each section has "Version 2.4 ships" and "with 3 fixes";
	// the others must be in the section, so answer per section.
	window := 2500
	sections := splitSections(doc, reviewBudget(window))
	if len(sections) < 3 {
		t.Fatalf("only %d sections", len(sections))
	}
	for i, sec := range sections {
		m.reply(sectionReply(sec, 6+i%3))
	}
	in := Input{Mode: ModeEvaluate, Source: Source{Markdown: doc}, LLM: m.endpoint(window)}
	var ticks []Progress
	in.Progress = func(p Progress) { ticks = append(ticks, p) }
	res, _, err := New(fastRetries).Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	ev := res.LLMEvaluation
	if ev.Status != StatusCompleted || ev.Sections != len(sections) {
		t.Fatalf("evaluation %+v", ev)
	}
	var sum, weights float64
	for i, sec := range sections {
		w := float64(estimateTokens(sec))
		sum += w * float64(6+i%3)
		weights += w
	}
	if want := round1(sum / weights); ev.ClarityScore != want {
		t.Errorf("clarity %.1f, want the length-weighted mean %.1f", ev.ClarityScore, want)
	}
	for _, r := range m.requests() {
		if n := estimateTokens(r.Messages[0].Content) + estimateTokens(r.Messages[1].Content); n > window {
			t.Errorf("a request of %d tokens for a window of %d", n, window)
		}
	}
	checkProgress(t, ticks, "score", "review", "gate", "done")
}

// sectionReply is a passing review of sec with every score set to score,
// quoting the start of sec.
func sectionReply(sec string, score int) string {
	quote := strings.TrimLeft(strings.SplitN(strings.TrimSpace(sec), "\n", 2)[0], "# ")
	r := goodReview(score)
	for _, ev := range []string{"Version 2.4 ships", "Release notes", "with 3 fixes", "before you start the server"} {
		r = strings.Replace(r, `"`+ev+`"`, `"`+quote+`"`, 1)
	}
	return r
}
