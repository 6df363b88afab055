package connection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/netguard"
)

// LLM is an OpenAI-compatible chat endpoint (OpenAI, Azure-style gateways,
// Ollama, vLLM, LM Studio, OpenWebUI).
type LLM struct{}

// Name returns "llm".
func (LLM) Name() string { return "llm" }

// DisplayName is shown in the UI.
func (LLM) DisplayName() string { return "LLM API" }

// Description is shown in the UI.
func (LLM) Description() string {
	return "An OpenAI-compatible endpoint (OpenAI, Azure-style gateways, Ollama, vLLM, LM Studio, OpenWebUI) for document review and rewriting"
}

// Fields are the LLM configuration.
func (LLM) Fields() []Field {
	tmin, tmax := rng(1, 600)
	rmin, rmax := rng(0, 10)
	cmin, cmax := rng(512, 10_000_000)
	omin, omax := rng(1, 1_000_000)
	tempMin, tempMax := rng(0, 2)
	return []Field{
		{Name: "base_url", Title: "Base URL", Kind: String, Format: "uri", Default: llm.DefaultBaseURL,
			Description: "The API root, ending in /v1 for most servers"},
		{Name: "api_key", Title: "API key", Kind: String, Secret: true, MaxLength: 4096,
			Description: "Optional for local servers"},
		{Name: "model", Title: "Model", Kind: String, Required: true, MaxLength: 255},
		{Name: "timeout", Title: "Timeout (s)", Kind: Integer, Default: 60, Min: tmin, Max: tmax},
		{Name: "verify_ssl", Title: "Verify TLS certificate", Kind: Boolean, Default: true},
		{Name: "max_retries", Title: "Retries", Kind: Integer, Default: 3, Min: rmin, Max: rmax},
		{Name: "context_window", Title: "Context window (tokens)", Kind: Integer, Default: 8192, Min: cmin, Max: cmax,
			Description: "Used to split long documents"},
		{Name: "max_output_tokens", Title: "Max output tokens", Kind: Integer, Min: omin, Max: omax},
		{Name: "temperature", Title: "Temperature", Kind: Number, Min: tempMin, Max: tempMax},
	}
}

// Example is a valid configuration.
func (LLM) Example() map[string]any {
	return map[string]any{"base_url": llm.DefaultBaseURL, "api_key": "sk-...", "model": "gpt-4o-mini", "timeout": 60,
		"verify_ssl": true, "max_retries": 3, "context_window": 128000}
}

// Check has nothing beyond the schema.
func (LLM) Check(Values) apperr.Fields { return nil }

// openAIConfig builds the client configuration from validated values.
// Calls go through guard.
func openAIConfig(v Values, guard netguard.Policy) llm.OpenAIConfig {
	cfg := llm.OpenAIConfig{BaseURL: v.String("base_url"), APIKey: v.String("api_key"), Model: v.String("model"),
		Timeout: time.Duration(v.Int("timeout")) * time.Second, MaxRetries: int(v.Int("max_retries")),
		MaxOutputTokens: int(v.Int("max_output_tokens")), HTTPClient: guard.Client(!v.Bool("verify_ssl"))}
	if t, ok := v.Float("temperature"); ok {
		cfg.Temperature = &t
	}
	return cfg
}

// Test lists the models (where the server supports it), then sends one
// tiny chat completion.
func (LLM) Test(ctx context.Context, env TestEnv, v Values) TestResult {
	cfg := openAIConfig(v, env.Guard)
	cfg.MaxRetries = 0
	c, err := llm.NewOpenAI(cfg)
	if err != nil {
		return failed("invalid configuration", err.Error(), nil)
	}
	model := cfg.Model
	details := map[string]any{"base_url": cfg.BaseURL, "model": model}
	ids, listErr := c.ListModels(ctx)
	if listErr == nil {
		details["model_exists"] = slices.Contains(ids, model)
		details["models_available"] = len(ids)
		if !slices.Contains(ids, model) {
			return failed(fmt.Sprintf("model %q not found at %s (%d models offered)", model, cfg.BaseURL, len(ids)),
				"model_not_found", details)
		}
	} else if res, final := llmFailure(listErr, cfg, details); final {
		return res
	}
	// No temperature: some models accept only their default.
	start := time.Now()
	resp, err := c.Chat(ctx, llm.Request{Messages: []llm.Message{{Role: "user", Content: "Reply with the single word OK."}},
		MaxTokens: 5})
	details["chat_latency_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		res, _ := llmFailure(err, cfg, details)
		return res
	}
	details["reply"] = truncate(resp.Content, 200)
	details["prompt_tokens"], details["completion_tokens"] = resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	return ok(fmt.Sprintf("model %s answered", model), details)
}

// llmFailure explains a failed call. final is false for a model listing
// that the server simply does not offer (the chat test still runs).
func llmFailure(err error, cfg llm.OpenAIConfig, details map[string]any) (TestResult, bool) {
	var se *llm.StatusError
	if errors.As(err, &se) {
		switch {
		case se.Status == 401 || se.Status == 403:
			return failed(fmt.Sprintf("authentication failed: the API key was rejected (HTTP %d)", se.Status), err.Error(), details), true
		case se.Status == 404 && (se.Code == "model_not_found" || strings.Contains(err.Error(), cfg.Model)):
			details["model_exists"] = false
			return failed(fmt.Sprintf("model %q not found at %s", cfg.Model, cfg.BaseURL), err.Error(), details), true
		case se.Status == 404 || se.Status == 405:
			return failed("no OpenAI-compatible API at "+cfg.BaseURL+" (HTTP 404); check base_url (often ends in /v1)", err.Error(), details), false
		case se.Status == 429:
			return failed("rate limited by the server (HTTP 429); try again later", err.Error(), details), true
		}
		return failed(fmt.Sprintf("the server answered HTTP %d", se.Status), err.Error(), details), true
	}
	if msg, known := describe(err, cfg.Timeout); known {
		return failed(msg, err.Error(), details), true
	}
	return failed("the answer is not an OpenAI-compatible response", err.Error(), details), true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
