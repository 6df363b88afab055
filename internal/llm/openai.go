package llm

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// DefaultBaseURL is OpenAI's own API.
const DefaultBaseURL = "https://api.openai.com/v1"

// maxRetryWait is the longest Retry-After the client waits for by itself;
// a longer hint ends the call with a TransientError carrying it, so a job
// queue can schedule the retry instead of holding a worker.
const maxRetryWait = 10 * time.Second

// OpenAIConfig configures an OpenAI-compatible endpoint (OpenAI, Azure-style
// gateways, Ollama, vLLM, LM Studio, OpenWebUI).
type OpenAIConfig struct {
	BaseURL         string        // default DefaultBaseURL
	APIKey          string        // optional for local servers
	Model           string        // required for Chat
	Timeout         time.Duration // per attempt; 0 means 60 s
	MaxRetries      int           // retries after the first attempt
	Temperature     *float64      // nil: the server's default
	MaxOutputTokens int           // 0: the server's default
	// InsecureSkipVerify turns off TLS certificate checks (verify_ssl=false).
	// It applies only when HTTPClient is nil.
	InsecureSkipVerify bool
	// HTTPClient carries the calls; nil builds one. Callers that dial
	// user-given URLs pass one whose transport is guarded (netguard).
	HTTPClient *http.Client
}

// OpenAI is an llm.Chatter over an OpenAI-compatible HTTP API, built on the
// official SDK. It never reads the process environment.
type OpenAI struct {
	cfg    OpenAIConfig
	chat   openai.ChatCompletionService
	models openai.ModelService
}

// NewOpenAI builds a client. It makes no call.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: base_url %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.InsecureSkipVerify {
			tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // verify_ssl=false was asked for
		}
		hc = &http.Client{Transport: tr}
	}
	// Every option is explicit: the SDK's environment defaults (OPENAI_*)
	// are bypassed by building the services directly rather than NewClient.
	opts := []option.RequestOption{
		option.WithHTTPClient(hc),
		option.WithBaseURL(strings.TrimRight(cfg.BaseURL, "/") + "/"),
		option.WithMaxRetries(cfg.MaxRetries),
		option.WithMaxRetryDelay(maxRetryWait),
		option.WithRequestTimeout(cfg.Timeout),
	}
	if cfg.APIKey != "" {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
	}
	return &OpenAI{
		cfg:    cfg,
		chat:   openai.NewChatCompletionService(opts...),
		models: openai.NewModelService(opts...),
	}, nil
}

// Model is the configured model name.
func (c *OpenAI) Model() string { return c.cfg.Model }

// Chat sends one chat completion.
func (c *OpenAI) Chat(ctx context.Context, req Request) (Response, error) {
	if c.cfg.Model == "" {
		return Response{}, errors.New("llm: no model configured")
	}
	params := c.params(req)
	res, err := c.chat.New(ctx, params)
	if err != nil {
		return Response{}, c.wrap(ctx, "chat completion", err)
	}
	if len(res.Choices) == 0 {
		return Response{}, fmt.Errorf("llm: %s answered a chat completion without choices", c.host())
	}
	return Response{
		Content: res.Choices[0].Message.Content,
		Model:   res.Model,
		Usage: Usage{
			PromptTokens:     int(res.Usage.PromptTokens),
			CompletionTokens: int(res.Usage.CompletionTokens),
		},
	}, nil
}

func (c *OpenAI) params(req Request) openai.ChatCompletionNewParams {
	p := openai.ChatCompletionNewParams{Model: shared.ChatModel(c.cfg.Model)}
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			p.Messages = append(p.Messages, openai.SystemMessage(m.Content))
		case "assistant":
			p.Messages = append(p.Messages, openai.AssistantMessage(m.Content))
		default:
			p.Messages = append(p.Messages, openai.UserMessage(m.Content))
		}
	}
	if t := req.Temperature; t != nil {
		p.Temperature = openai.Float(*t)
	} else if t := c.cfg.Temperature; t != nil {
		p.Temperature = openai.Float(*t)
	}
	maxTokens := req.MaxTokens
	if maxTokens == 0 {
		maxTokens = c.cfg.MaxOutputTokens
	}
	if maxTokens > 0 {
		// OpenAI's newer models accept only max_completion_tokens; most
		// compatible servers know only max_tokens.
		if c.host() == "api.openai.com" {
			p.MaxCompletionTokens = openai.Int(int64(maxTokens))
		} else {
			p.MaxTokens = openai.Int(int64(maxTokens))
		}
	}
	if req.JSON {
		p.ResponseFormat = openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONObject: &shared.ResponseFormatJSONObjectParam{},
		}
	}
	return p
}

// ListModels returns the model ids the server offers (GET /models).
func (c *OpenAI) ListModels(ctx context.Context) ([]string, error) {
	page, err := c.models.List(ctx)
	if err != nil {
		return nil, c.wrap(ctx, "model listing", err)
	}
	ids := make([]string, 0, len(page.Data))
	for _, m := range page.Data {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

func (c *OpenAI) host() string {
	u, err := url.Parse(c.cfg.BaseURL)
	if err != nil {
		return "the server"
	}
	return u.Hostname()
}

// wrap turns an SDK or transport error into one message that names what
// went wrong without echoing the API key, marking the retryable ones.
func (c *OpenAI) wrap(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err() // the caller cancelled: not the server's fault
	}
	var apiErr *openai.Error
	if errors.As(err, &apiErr) {
		return c.apiError(what, apiErr)
	}
	e := &CallError{msg: fmt.Sprintf("llm: %s failed: %s", what, c.redact(err.Error())), err: err}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		e.msg = fmt.Sprintf("llm: %s timed out after %s", what, c.cfg.Timeout)
		return &TransientError{Err: e}
	case isConnectionDrop(err):
		return &TransientError{Err: e}
	}
	return e
}

// CallError is a failed call that got no usable answer (transport failure,
// malformed response). Its message is redacted; it unwraps to the cause so
// callers can classify it (DNS, TLS, refused destination).
type CallError struct {
	msg string
	err error
}

func (e *CallError) Error() string { return e.msg }
func (e *CallError) Unwrap() error { return e.err }

func (c *OpenAI) apiError(what string, e *openai.Error) error {
	detail := c.redact(e.Message)
	if detail == "" {
		detail = http.StatusText(e.StatusCode)
	}
	err := &StatusError{Status: e.StatusCode, Code: e.Code,
		msg: fmt.Sprintf("llm: %s: %s answered %d: %s", what, c.host(), e.StatusCode, detail)}
	if e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusRequestTimeout || e.StatusCode >= 500 {
		t := &TransientError{Err: err}
		if e.Response != nil {
			t.RetryAfter = retryAfterSeconds(e.Response.Header.Get("Retry-After"))
		}
		return t
	}
	return err
}

func (c *OpenAI) redact(s string) string {
	if c.cfg.APIKey != "" {
		s = strings.ReplaceAll(s, c.cfg.APIKey, "********")
	}
	return s
}

// StatusError is an HTTP error answer from the server.
type StatusError struct {
	Status int    // HTTP status
	Code   string // the error code in the body, if any (e.g. "model_not_found")
	msg    string
}

func (e *StatusError) Error() string { return e.msg }

// retryAfterSeconds reads a Retry-After header (seconds or an HTTP date).
func retryAfterSeconds(v string) int {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return n
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return int(d.Round(time.Second) / time.Second)
		}
	}
	return 0
}

// isConnectionDrop reports a refused or reset connection: the server is
// restarting or overloaded, worth another try later.
func isConnectionDrop(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}
