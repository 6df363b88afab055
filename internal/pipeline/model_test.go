package pipeline

import (
	"sync"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/llm/llmtest"
)

// model is a language model for the tests: the fake OpenAI-compatible
// server on loopback, reached through the real client, answering with the
// replies queued, in order.
type model struct {
	t       *testing.T
	name    string
	srv     *llmtest.Server
	mu      sync.Mutex
	replies []llmtest.Reply
}

// modelKey is the API key the tests' endpoint sends.
const modelKey = "sk-test-key"

func newModel(t *testing.T) *model {
	m := &model{t: t, name: "test-model", srv: llmtest.New(t)}
	m.srv.RequireKey(modelKey)
	m.srv.Script(func(llmtest.ChatRequest) llmtest.Reply {
		m.mu.Lock()
		defer m.mu.Unlock()
		if len(m.replies) == 0 {
			t.Errorf("unexpected LLM call %d", len(m.srv.Requests()))
			return llmtest.Reply{Status: 400, Message: "no reply scripted"}
		}
		r := m.replies[0]
		m.replies = m.replies[1:]
		return r
	})
	return m
}

// reply queues successful replies with these contents.
func (m *model) reply(texts ...string) {
	for _, s := range texts {
		m.answer(llmtest.Reply{Content: s})
	}
}

// answer queues replies as they are (errors, delays, hangs).
func (m *model) answer(rs ...llmtest.Reply) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.replies = append(m.replies, rs...)
}

// calls is how many chat completions the server received.
func (m *model) calls() int { return len(m.srv.Requests()) }

// requests are the chat completions the server received.
func (m *model) requests() []llmtest.ChatRequest { return m.srv.Requests() }

// endpoint is the real OpenAI-compatible client pointed at the fake, with
// the client's own retries off so the pipeline's are what is tested.
func (m *model) endpoint(window int) *llm.Endpoint {
	c, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: m.srv.URL(), APIKey: modelKey, Model: m.name, Timeout: 30 * time.Second})
	if err != nil {
		m.t.Fatal(err)
	}
	return &llm.Endpoint{Chatter: c, Model: m.name, ContextWindow: window, Source: "env"}
}
