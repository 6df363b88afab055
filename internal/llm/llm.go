// Package llm is how Curatore talks to language models: a small Chatter
// interface that the pipeline uses, implemented over any OpenAI-compatible
// endpoint by a maintained client. An Endpoint is a resolved model for one
// organization: the client, the model name, its context window and where the
// configuration came from.
package llm

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotConfigured means the organization has no LLM connection and the
// environment configures none.
var ErrNotConfigured = errors.New("llm: not configured")

// ErrBudgetExceeded means the organization has spent its monthly LLM token
// budget (the llm.monthly_token_budget setting); the error wrapping it says
// how much was spent of how much.
var ErrBudgetExceeded = errors.New("llm: monthly token budget exceeded")

// BudgetError is ErrBudgetExceeded with the figures: tokens spent since the
// month began, and the budget.
type BudgetError struct {
	Spent, Budget int64
	Since         time.Time
}

// Error says what was spent of what, in words for the result's reason.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("the organization's monthly LLM token budget is spent: %d of %d tokens used since %s",
		e.Spent, e.Budget, e.Since.UTC().Format("2006-01-02"))
}

// Is makes errors.Is(err, ErrBudgetExceeded) hold.
func (e *BudgetError) Is(target error) bool { return target == ErrBudgetExceeded }

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
