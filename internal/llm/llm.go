// Package llm is how Curatore talks to language models: a small Chatter
// interface that the pipeline uses, implemented over any OpenAI-compatible
// endpoint by a maintained client. An Endpoint is a resolved model for one
// organization: the client, the model name, its context window and where the
// configuration came from.
package llm

import (
	"context"
	"errors"
)

// ErrNotConfigured means the organization has no LLM connection and the
// environment configures none.
var ErrNotConfigured = errors.New("llm: not configured")

// Message is one chat message.
type Message struct {
	Role    string `json:"role"` // "system", "user" or "assistant"
	Content string `json:"content"`
}

// Request is one chat completion.
type Request struct {
	Messages    []Message
	Temperature *float64 // nil: the endpoint's configured temperature
	MaxTokens   int      // 0: the endpoint's max_output_tokens, if any
	// JSON asks for a JSON object reply (response_format json_object where
	// the server supports it); the caller still validates what comes back.
	JSON bool
}

// Usage is the tokens one call consumed, as the server reported them.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// Response is a chat completion's reply.
type Response struct {
	Content string
	Model   string
	Usage   Usage
}

// Chatter sends chat completions. Errors that are worth retrying later
// (timeouts, 5xx, 429) satisfy IsTransient.
type Chatter interface {
	Chat(ctx context.Context, req Request) (Response, error)
}

// Endpoint is an organization's resolved model.
type Endpoint struct {
	Chatter
	Model         string
	ContextWindow int    // tokens; 0 means unknown (the pipeline assumes 8192)
	Source        string // "connection:<id>" or "env"
}

// TransientError marks an error as worth retrying (timeout, 5xx, 429);
// RetryAfter is the server's hint, 0 when none.
type TransientError struct {
	Err        error
	RetryAfter int // seconds
}

func (e *TransientError) Error() string { return e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// IsTransient reports whether err is worth retrying.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}
