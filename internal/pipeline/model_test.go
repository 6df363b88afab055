package pipeline

import (
	"context"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/llm"
)

// model is a scripted language model: it answers calls with the replies
// queued, in order, and records the requests.
type model struct {
	t       *testing.T
	name    string
	mu      sync.Mutex
	replies []func() (string, error)
	reqs    []llm.Request
}

func newModel(t *testing.T) *model { return &model{t: t, name: "test-model"} }

// reply queues plain replies.
func (m *model) reply(texts ...string) {
	for _, s := range texts {
		m.replies = append(m.replies, func() (string, error) { return s, nil })
	}
}

// fail queues an error.
func (m *model) fail(err error) {
	m.replies = append(m.replies, func() (string, error) { return "", err })
}

func (m *model) calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.reqs)
}

func (m *model) endpoint(window int) *llm.Endpoint {
	return &llm.Endpoint{Chatter: m, Model: m.name, ContextWindow: window, Source: "env"}
}

func (m *model) Chat(ctx context.Context, req llm.Request) (llm.Response, error) {
	m.mu.Lock()
	m.reqs = append(m.reqs, req)
	if len(m.replies) == 0 {
		m.mu.Unlock()
		m.t.Errorf("unexpected call %d", len(m.reqs))
		return llm.Response{}, context.Canceled
	}
	next := m.replies[0]
	m.replies = m.replies[1:]
	m.mu.Unlock()
	text, err := next()
	if err != nil {
		return llm.Response{}, err
	}
	prompt := 0
	for _, msg := range req.Messages {
		prompt += estimateTokens(msg.Content)
	}
	return llm.Response{Content: text, Model: m.name, Usage: llm.Usage{PromptTokens: prompt, CompletionTokens: estimateTokens(text)}}, nil
}
