package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/curatore/curatore/internal/llm"
)

// Config tunes how a Runner talks to the LLM. The zero value is usable.
type Config struct {
	// CallTimeout bounds one LLM call; a call that takes longer counts as
	// a transient failure. 0 means 180 s.
	CallTimeout time.Duration
	// Retries is how often a transient LLM failure (timeout, 5xx, 429) is
	// retried; 0 means 3, negative means never.
	Retries int
	// Backoff is the pause before the first retry; it doubles each time.
	// A server's Retry-After is honoured when longer. 0 means 2 s.
	Backoff time.Duration
	// MaxWait is the longest pause before a retry; a server asking for a
	// longer one ends the retries. 0 means 60 s.
	MaxWait time.Duration
	// Observer is told of each extraction (metrics); nil: nobody.
	Observer Observer
}

func (c Config) withDefaults() Config {
	if c.CallTimeout <= 0 {
		c.CallTimeout = 180 * time.Second
	}
	switch {
	case c.Retries == 0:
		c.Retries = 3
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.Backoff <= 0 {
		c.Backoff = 2 * time.Second
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 60 * time.Second
	}
	return c
}

// caller makes the LLM calls of one stage and counts what they used.
type caller struct {
	ep    *llm.Endpoint
	cfg   Config
	usage *StageUsage
	// tick, when set, is told how many sections are done out of how many.
	tick func(done, total int)
}

// done reports a finished section.
func (c *caller) done(section, sections int) {
	if c.tick != nil {
		c.tick(section, sections)
	}
}

// errUnreachable wraps the last error of an LLM that stayed unreachable
// through every retry.
var errUnreachable = errors.New("the LLM is unreachable")

// chat sends req, retrying transient failures with backoff. It returns
// ctx's error when ctx ends, an error wrapping errUnreachable when the
// retries are spent, and a non-transient error (bad request, refused key)
// at once.
func (c *caller) chat(ctx context.Context, req llm.Request) (llm.Response, error) {
	pause := c.cfg.Backoff
	for attempt := 0; ; attempt++ {
		resp, err := c.once(ctx, req)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return llm.Response{}, ctx.Err()
		}
		if !llm.IsTransient(err) {
			return llm.Response{}, err
		}
		wait := pause
		var te *llm.TransientError
		if errors.As(err, &te) && time.Duration(te.RetryAfter)*time.Second > wait {
			wait = time.Duration(te.RetryAfter) * time.Second
		}
		if attempt >= c.cfg.Retries || wait > c.cfg.MaxWait {
			return llm.Response{}, fmt.Errorf("%w after %d attempt(s): %w", errUnreachable, attempt+1, err)
		}
		select {
		case <-ctx.Done():
			return llm.Response{}, ctx.Err()
		case <-time.After(wait):
		}
		pause *= 2
	}
}

// once makes one call under CallTimeout and counts its usage; running out
// of that time is a transient error.
func (c *caller) once(ctx context.Context, req llm.Request) (llm.Response, error) {
	cctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	resp, err := c.ep.Chat(cctx, req)
	if !errors.Is(err, llm.ErrBudgetExceeded) { // refused before any call was made
		c.usage.Calls++
	}
	if err != nil {
		if ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
			return resp, &llm.TransientError{Err: fmt.Errorf("no answer within %s: %w", c.cfg.CallTimeout, err)}
		}
		return resp, err
	}
	c.usage.PromptTokens += resp.Usage.PromptTokens
	c.usage.CompletionTokens += resp.Usage.CompletionTokens
	if resp.Model != "" {
		c.usage.Model = resp.Model
	}
	return resp, nil
}

// jsonCall asks for a JSON reply and checks it with parse. A reply parse
// rejects is sent back once with the error, so the model can correct it;
// a second bad reply is returned as the error (a *malformedError).
func (c *caller) jsonCall(ctx context.Context, msgs []llm.Message, maxTokens int, parse func(string) error) error {
	temp := 0.0
	for try := 0; ; try++ {
		resp, err := c.chat(ctx, llm.Request{Messages: msgs, Temperature: &temp, MaxTokens: maxTokens, JSON: true})
		if err != nil {
			return err
		}
		perr := parse(resp.Content)
		if perr == nil {
			return nil
		}
		if try == 1 {
			return &malformedError{err: perr}
		}
		msgs = append(msgs,
			llm.Message{Role: "assistant", Content: resp.Content},
			llm.Message{Role: "user", Content: "That reply cannot be used: " + perr.Error() +
				". Reply again with only the JSON object, every key present, scores as integers from 1 to 10, " +
				"and evidence quoted exactly from the document."})
	}
}

// malformedError is a model reply that stayed unusable after a retry.
type malformedError struct{ err error }

func (e *malformedError) Error() string {
	return "the model's reply was unusable twice: " + e.err.Error()
}
