package llm_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/llm/llmtest"
)

func newClient(t *testing.T, cfg llm.OpenAIConfig) *llm.OpenAI {
	t.Helper()
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	c, err := llm.NewOpenAI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChatSendsTheRequestAndReadsTheReply(t *testing.T) {
	srv := llmtest.New(t)
	srv.RequireKey("sk-right")
	srv.Script(func(r llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Content: "echo: " + r.Last(), PromptTokens: 11, CompletionTokens: 3}
	})
	temp := 0.2
	c := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL(), APIKey: "sk-right", Temperature: &temp, MaxOutputTokens: 50})
	res, err := c.Chat(context.Background(), llm.Request{
		Messages: []llm.Message{{Role: "system", Content: "be brief"}, {Role: "user", Content: "hi"}},
		JSON:     true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Content != "echo: hi" || res.Model != "test-model" || res.Usage != (llm.Usage{PromptTokens: 11, CompletionTokens: 3}) {
		t.Fatalf("response = %+v", res)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d", len(reqs))
	}
	r := reqs[0]
	if r.APIKey != "sk-right" || r.Model != "test-model" || !r.JSON() || r.MaxTokens != 50 ||
		r.Temperature == nil || *r.Temperature != 0.2 || len(r.Messages) != 2 || r.Messages[0].Role != "system" {
		t.Fatalf("request = %+v", r)
	}
}

func TestRequestOverridesTemperatureAndTokens(t *testing.T) {
	srv := llmtest.New(t)
	temp := 0.7
	c := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL(), Temperature: &temp, MaxOutputTokens: 50})
	zero := 0.0
	if _, err := c.Chat(context.Background(), llm.Request{Messages: []llm.Message{{Role: "user", Content: "x"}},
		Temperature: &zero, MaxTokens: 7}); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.Temperature == nil || *r.Temperature != 0 || r.MaxTokens != 7 || r.JSON() {
		t.Fatalf("request = %+v", r)
	}
}

func TestListModels(t *testing.T) {
	srv := llmtest.New(t)
	srv.Models("a", "b")
	c := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL()})
	ids, err := c.ListModels(context.Background())
	if err != nil || strings.Join(ids, ",") != "a,b" {
		t.Fatalf("ListModels = %v, %v", ids, err)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name      string
		setup     func(*llmtest.Server)
		cfg       llm.OpenAIConfig
		want      string
		transient bool
		status    int
	}{
		{name: "bad key", setup: func(s *llmtest.Server) { s.RequireKey("sk-good") },
			cfg: llm.OpenAIConfig{APIKey: "sk-wrong-secret"}, want: "answered 401", status: 401},
		{name: "wrong model", setup: func(s *llmtest.Server) { s.Models("other") },
			cfg: llm.OpenAIConfig{Model: "nope"}, want: "`nope` does not exist", status: 404},
		{name: "5xx", setup: func(s *llmtest.Server) { s.Always(llmtest.Reply{Status: 503}) },
			want: "answered 503", transient: true, status: 503},
		{name: "malformed", setup: func(s *llmtest.Server) { s.Always(llmtest.Reply{Raw: `{"choices": [`}) },
			want: "chat completion failed"},
		{name: "no choices", setup: func(s *llmtest.Server) { s.Always(llmtest.Reply{Raw: `{"id":"x","choices":[]}`}) },
			want: "without choices"},
		{name: "timeout", setup: func(s *llmtest.Server) { s.Always(llmtest.Reply{Hang: true}) },
			cfg: llm.OpenAIConfig{Timeout: 150 * time.Millisecond}, want: "timed out after 150ms", transient: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t)
			tc.setup(srv)
			cfg := tc.cfg
			cfg.BaseURL = srv.URL()
			_, err := newClient(t, cfg).Chat(context.Background(), llm.Request{Messages: []llm.Message{{Role: "user", Content: "x"}}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if llm.IsTransient(err) != tc.transient {
				t.Fatalf("IsTransient(%v) = %v", err, !tc.transient)
			}
			var se *llm.StatusError
			if tc.status != 0 && (!errors.As(err, &se) || se.Status != tc.status) {
				t.Fatalf("status error = %+v", se)
			}
			if cfg.APIKey != "" && strings.Contains(err.Error(), cfg.APIKey) {
				t.Fatalf("error leaks the key: %v", err)
			}
		})
	}
}

func TestKeyEchoedByServerIsRedacted(t *testing.T) {
	srv := llmtest.New(t)
	srv.Always(llmtest.Reply{Status: 401, Message: "Incorrect API key provided: sk-echoed-secret"})
	c := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL(), APIKey: "sk-echoed-secret"})
	_, err := c.Chat(context.Background(), llm.Request{})
	if err == nil || strings.Contains(err.Error(), "sk-echoed-secret") || !strings.Contains(err.Error(), "********") {
		t.Fatalf("err = %v", err)
	}
}

func TestRateLimitWithLongRetryAfterIsHandedToTheCaller(t *testing.T) {
	srv := llmtest.New(t)
	srv.Always(llmtest.Reply{Status: 429, Code: "rate_limit_exceeded", RetryAfter: "30"})
	c := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL(), MaxRetries: 3})
	_, err := c.Chat(context.Background(), llm.Request{})
	var te *llm.TransientError
	if !errors.As(err, &te) || te.RetryAfter != 30 {
		t.Fatalf("err = %#v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("requests = %d, want 1 (no in-process wait for 30 s)", n)
	}
}

func TestShortRetryAfterIsRetriedInProcess(t *testing.T) {
	srv := llmtest.New(t)
	var n atomic.Int32
	srv.Script(func(llmtest.ChatRequest) llmtest.Reply {
		if n.Add(1) == 1 {
			return llmtest.Reply{Status: 429, RetryAfter: "0"}
		}
		return llmtest.Reply{Content: "second"}
	})
	c := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL(), MaxRetries: 1})
	res, err := c.Chat(context.Background(), llm.Request{})
	if err != nil || res.Content != "second" {
		t.Fatalf("Chat = %+v, %v", res, err)
	}
}

func TestServerErrorsAreRetriedMaxRetriesTimes(t *testing.T) {
	srv := llmtest.New(t)
	srv.Always(llmtest.Reply{Status: 500, RetryAfter: "0"})
	c := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL(), MaxRetries: 2})
	if _, err := c.Chat(context.Background(), llm.Request{}); !llm.IsTransient(err) {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Fatalf("requests = %d, want 3", n)
	}
}

func TestTLSVerification(t *testing.T) {
	srv := llmtest.NewTLS(t)
	_, err := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL()}).Chat(context.Background(), llm.Request{})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("verify on: err = %v", err)
	}
	res, err := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL(), InsecureSkipVerify: true}).Chat(context.Background(), llm.Request{})
	if err != nil || res.Content != "ok" {
		t.Fatalf("verify off: %+v, %v", res, err)
	}
}

func TestCallerCancellationIsNotTransient(t *testing.T) {
	srv := llmtest.New(t)
	srv.Always(llmtest.Reply{Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL()}).Chat(ctx, llm.Request{})
	if !errors.Is(err, context.Canceled) || llm.IsTransient(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestEnvironmentIsNotRead(t *testing.T) {
	srv := llmtest.New(t)
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	if _, err := newClient(t, llm.OpenAIConfig{BaseURL: srv.URL()}).Chat(context.Background(), llm.Request{}); err != nil {
		t.Fatal(err)
	}
	if keys := srv.Keys(); len(keys) != 1 || keys[0] != "" {
		t.Fatalf("keys = %q", keys)
	}
}

func TestBadBaseURL(t *testing.T) {
	if _, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: "ftp://x"}); err == nil {
		t.Fatal("want an error")
	}
}
