package llmtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/llm/llmtest"
)

func post(t *testing.T, url, key, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/chat/completions", strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(res.Body).Decode(&v)
	return res, v
}

func TestWireShapes(t *testing.T) {
	s := llmtest.New(t)
	s.RequireKey("k1")
	res, v := post(t, s.URL(), "bad", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if res.StatusCode != 401 || v["error"].(map[string]any)["code"] != "invalid_api_key" {
		t.Fatalf("401 body = %v", v)
	}
	res, v = post(t, s.URL(), "k1", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}`)
	if res.StatusCode != 200 || v["object"] != "chat.completion" {
		t.Fatalf("200 body = %v", v)
	}
	msg := v["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)
	if msg["content"] != "ok" || msg["role"] != "assistant" || v["usage"].(map[string]any)["total_tokens"] == nil {
		t.Fatalf("completion = %v", v)
	}
	if keys := s.Keys(); len(keys) != 2 || keys[0] != "bad" || keys[1] != "k1" {
		t.Fatalf("keys = %q", keys)
	}
	if reqs := s.Requests(); len(reqs) != 1 || !reqs[0].JSON() || reqs[0].Last() != "hi" || reqs[0].APIKey != "k1" {
		t.Fatalf("requests = %+v", reqs)
	}
}

func TestScriptedFailures(t *testing.T) {
	s := llmtest.New(t)
	s.Models("only")
	res, v := post(t, s.URL(), "", `{"model":"other","messages":[]}`)
	if res.StatusCode != 404 || v["error"].(map[string]any)["code"] != "model_not_found" {
		t.Fatalf("404 body = %v", v)
	}
	s.Always(llmtest.Reply{Status: 429, RetryAfter: "7"})
	res, _ = post(t, s.URL(), "", `{"model":"only","messages":[]}`)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "7" {
		t.Fatalf("429: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	s.Always(llmtest.Reply{Raw: "{not json"})
	if res, v = post(t, s.URL(), "", `{"model":"only","messages":[]}`); res.StatusCode != 200 || v != nil {
		t.Fatalf("raw: %d %v", res.StatusCode, v)
	}
	mres, err := http.Get(s.URL() + "/models")
	if err != nil || mres.StatusCode != 200 || s.ModelListings() != 1 {
		t.Fatalf("models: %v %v", mres, err)
	}
	mres.Body.Close()
}

func TestHangIsReleasedByClose(t *testing.T) {
	s := llmtest.New(t)
	s.Always(llmtest.Reply{Hang: true})
	done := make(chan error, 1)
	go func() {
		_, err := http.Post(s.URL()+"/chat/completions", "application/json", strings.NewReader(`{"model":"m"}`))
		done <- err
	}()
	for len(s.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	s.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a hanging request outlived Close")
	}
}
