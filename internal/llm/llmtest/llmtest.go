// Package llmtest is a fake OpenAI-compatible server on loopback for tests:
// it speaks the real wire protocol (GET /v1/models, POST
// /v1/chat/completions, OpenAI's error bodies), records the API keys and
// requests it received, and answers as it is told — a fixed latency, a
// 5xx, a 429 with Retry-After, malformed JSON, a hang, or scripted replies.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one chat message as the client sent it.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ChatRequest is a chat completion request as the server received it.
type ChatRequest struct {
	APIKey              string    `json:"-"` // from "Authorization: Bearer …"; "" when none
	Model               string    `json:"model"`
	Messages            []Message `json:"messages"`
	Temperature         *float64  `json:"temperature,omitempty"`
	MaxTokens           int       `json:"max_tokens,omitempty"`
	MaxCompletionTokens int       `json:"max_completion_tokens,omitempty"`
	ResponseFormat      *struct {
		Type string `json:"type"`
	} `json:"response_format,omitempty"`
}

// JSON reports whether the request asked for a JSON object reply.
func (r ChatRequest) JSON() bool {
	return r.ResponseFormat != nil && r.ResponseFormat.Type == "json_object"
}

// Last is the content of the last message ("" when none).
func (r ChatRequest) Last() string {
	if len(r.Messages) == 0 {
		return ""
	}
	return r.Messages[len(r.Messages)-1].Content
}

// Reply is how the server answers one chat completion. The zero value is a
// 200 with the content "ok".
type Reply struct {
	Content    string        // the assistant's message
	Status     int           // 0 or 200: success; otherwise an OpenAI-style error body with this status
	Message    string        // error message for a non-200 Status
	Code       string        // error code for a non-200 Status (e.g. "rate_limit_exceeded")
	RetryAfter string        // Retry-After header value, when set
	Raw        string        // when set, sent as the body verbatim with Status (or 200): malformed answers
	Delay      time.Duration // wait before answering
	Hang       bool          // never answer (until the client gives up or the server closes)
	// PromptTokens and CompletionTokens override the usage the server
	// reports; 0 reports about one token per four bytes.
	PromptTokens, CompletionTokens int
}

// Script decides the reply to each chat completion.
type Script func(ChatRequest) Reply

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	srv  *httptest.Server
	done chan struct{}

	mu        sync.Mutex
	script    Script
	latency   time.Duration
	models    []string
	key       string
	keys      []string
	requests  []ChatRequest
	modelHits int
}

// New starts a plain-HTTP fake on 127.0.0.1, closed when the test ends.
func New(t testing.TB) *Server { return start(t, (*httptest.Server).Start) }

// NewTLS starts the fake behind a self-signed certificate (for verify_ssl
// tests), closed when the test ends.
func NewTLS(t testing.TB) *Server { return start(t, (*httptest.Server).StartTLS) }

func start(t testing.TB, run func(*httptest.Server)) *Server {
	t.Helper()
	s := &Server{done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/models", s.handleModels)
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	s.srv = httptest.NewUnstartedServer(mux)
	// Clients that refuse the self-signed certificate are expected here.
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	run(s.srv)
	t.Cleanup(s.Close)
	return s
}

// Close releases hanging requests and stops the server. It is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return
	default:
		close(s.done)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// URL is the base URL a client is configured with ("http://127.0.0.1:port/v1").
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// HTTPClient is a client that trusts the TLS fake's certificate.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Script sets how chat completions are answered (nil: always "ok").
func (s *Server) Script(f Script) { s.mu.Lock(); s.script = f; s.mu.Unlock() }

// Always answers every chat completion with r.
func (s *Server) Always(r Reply) { s.Script(func(ChatRequest) Reply { return r }) }

// Latency delays every answer (models and chat) by d.
func (s *Server) Latency(d time.Duration) { s.mu.Lock(); s.latency = d; s.mu.Unlock() }

// Models sets the models GET /v1/models lists. Once set, a chat completion
// for any other model is a 404 model_not_found, as OpenAI answers; before,
// any model is accepted and the listing is ["test-model"].
func (s *Server) Models(ids ...string) { s.mu.Lock(); s.models = ids; s.mu.Unlock() }

// RequireKey makes every call without "Authorization: Bearer key" a 401
// invalid_api_key.
func (s *Server) RequireKey(key string) { s.mu.Lock(); s.key = key; s.mu.Unlock() }

// Keys lists the API key of every call received, in order ("" for none).
func (s *Server) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keys...)
}

// Requests lists the chat completions received, in order.
func (s *Server) Requests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.requests...)
}

// ModelListings counts the GET /v1/models calls received.
func (s *Server) ModelListings() int { s.mu.Lock(); defer s.mu.Unlock(); return s.modelHits }

// authorize records the caller's key and answers 401 when it is wrong.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) (string, bool) {
	key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	s.keys = append(s.keys, key)
	want, latency := s.key, s.latency
	s.mu.Unlock()
	if !s.wait(r, latency) {
		return key, false
	}
	if want != "" && key != want {
		writeError(w, Reply{Status: http.StatusUnauthorized, Code: "invalid_api_key",
			Message: "Incorrect API key provided."})
		return key, false
	}
	return key, true
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r); !ok {
		return
	}
	s.mu.Lock()
	s.modelHits++
	ids := s.models
	s.mu.Unlock()
	if len(ids) == 0 {
		ids = []string{"test-model"}
	}
	data := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		data = append(data, map[string]any{"id": id, "object": "model", "created": 1700000000, "owned_by": "llmtest"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	key, ok := s.authorize(w, r)
	if !ok {
		return
	}
	var req ChatRequest
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, Reply{Status: http.StatusBadRequest, Code: "invalid_json", Message: "We could not parse the JSON body of your request."})
		return
	}
	req.APIKey = key
	s.mu.Lock()
	s.requests = append(s.requests, req)
	script, models := s.script, s.models
	s.mu.Unlock()
	if len(models) > 0 && !contains(models, req.Model) {
		writeError(w, Reply{Status: http.StatusNotFound, Code: "model_not_found",
			Message: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", req.Model)})
		return
	}
	reply := Reply{Content: "ok"}
	if script != nil {
		reply = script(req)
	}
	s.answer(w, r, req, reply)
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, req ChatRequest, reply Reply) {
	if reply.Hang {
		s.wait(r, 24*time.Hour)
		return
	}
	if !s.wait(r, reply.Delay) {
		return
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	if reply.Raw != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply.Raw)
		return
	}
	if status != http.StatusOK {
		writeError(w, reply)
		return
	}
	writeJSON(w, status, completion(req, reply))
}

// wait sleeps d unless the client goes away or the server closes first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

func completion(req ChatRequest, reply Reply) map[string]any {
	prompt, completionTokens := reply.PromptTokens, reply.CompletionTokens
	if prompt == 0 {
		for _, m := range req.Messages {
			prompt += len(m.Content)/4 + 1
		}
	}
	if completionTokens == 0 {
		completionTokens = len(reply.Content)/4 + 1
	}
	return map[string]any{
		"id": "chatcmpl-llmtest", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []map[string]any{{
			"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": reply.Content},
		}},
		"usage": map[string]any{"prompt_tokens": prompt, "completion_tokens": completionTokens,
			"total_tokens": prompt + completionTokens},
	}
}

func writeError(w http.ResponseWriter, r Reply) {
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	msg := r.Message
	if msg == "" {
		msg = http.StatusText(r.Status)
	}
	typ := "invalid_request_error"
	if r.Status >= 500 {
		typ = "server_error"
	}
	writeJSON(w, r.Status, map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nil, "code": nullable(r.Code),
	}})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
