package httpapi_test

import (
	"bufio"
	"bytes"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/testenv"
)

const metricsToken = "metrics-token-0123456789abcdef"

// scrape fetches /metrics with the token and returns its samples keyed by
// name{labels} (labels sorted, as the exposition writes them).
func scrape(t *testing.T, env *testenv.Env) map[string]float64 {
	t.Helper()
	resp := env.Request(t, "GET", "/metrics", nil, []testenv.Header{{Name: "Authorization", Value: "Bearer " + metricsToken}})
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// series names a sample as the exposition writes it.
func series(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + `="` + labels[k] + `"`
	}
	return name + "{" + strings.Join(parts, ",") + "}"
}

// waitSample scrapes until the series reaches at least min: a worker
// records a run just after the job's row says it ended.
func waitSample(t *testing.T, env *testenv.Env, key string, min float64) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := scrape(t, env)
		if s[key] >= min {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want >= %v", key, s[key], min)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMetricsDisabledWithoutToken: without METRICS_TOKEN /metrics is an
// unknown route, whatever the request carries.
func TestMetricsDisabledWithoutToken(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		for _, auth := range []string{"", "Bearer " + metricsToken} {
			resp := env.Request(t, "GET", "/metrics", nil, []testenv.Header{{Name: "Authorization", Value: auth}})
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("Authorization %q: %d %s", auth, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
		if env.App.Metrics != nil {
			t.Error("metrics are collected though disabled")
		}
	})
}

// TestMetricsEndpoint: the token is required; the exposition carries the
// HTTP counter with the route pattern (never the raw path), the queue
// gauges, and the counters a processed document moves, with no tenant data.
func TestMetricsEndpoint(t *testing.T) {
	testenv.Each(t, map[string]string{"METRICS_TOKEN": metricsToken}, func(t *testing.T, env *testenv.Env) {
		refused := []struct{ name, auth string }{
			{"no credentials", ""},
			{"wrong token", "Bearer wrong-token-0123456789abcdef"},
			{"token prefix", "Bearer " + metricsToken[:16]},
			{"other scheme", "Basic " + metricsToken},
		}
		for _, tc := range refused {
			resp := env.Request(t, "GET", "/metrics", nil, []testenv.Header{{Name: "Authorization", Value: tc.auth}})
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s", tc.name, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
		// An API key in X-API-Key is no metrics token.
		resp := env.Request(t, "GET", "/metrics", nil, []testenv.Header{{Name: "X-API-Key", Value: metricsToken}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("X-API-Key: %d", resp.StatusCode)
		}

		o := newE2EOrg(t, env, "Metrics Org")
		docID := o.upload(t, env, "metrics-guide")
		if st, body := env.Do(t, "GET", "/api/v1/documents/"+docID, o.tok, nil); st != http.StatusOK {
			t.Fatalf("get document: %d %s", st, body)
		}
		completed(t, env, o.tok, o.process(t, env, docID))

		got := waitSample(t, env, series("curatore_jobs_finished_total", map[string]string{"kind": "process", "outcome": "completed"}), 1)
		want := []string{
			series("curatore_http_requests_total", map[string]string{"method": "GET", "route": "/api/v1/documents/{id}", "code": "200"}),
			series("curatore_http_request_duration_seconds_count", map[string]string{"method": "GET", "route": "/api/v1/documents/{id}"}),
			series("curatore_http_requests_total", map[string]string{"method": "GET", "route": "/metrics", "code": "401"}),
			series("curatore_job_run_duration_seconds_count", map[string]string{"kind": "process"}),
			series("curatore_extractions_total", map[string]string{"format": "md", "outcome": "success"}),
			series("curatore_extraction_duration_seconds_count", map[string]string{"format": "md"}),
			series("curatore_llm_tokens_total", map[string]string{"stage": "review", "kind": "prompt"}),
			series("curatore_llm_tokens_total", map[string]string{"stage": "review", "kind": "completion"}),
			"go_goroutines", "process_start_time_seconds",
		}
		for _, k := range want {
			if got[k] <= 0 {
				t.Errorf("%s = %v, want > 0", k, got[k])
			}
		}
		for _, st := range []string{"queued", "running"} {
			if _, ok := got[series("curatore_job_queue_depth", map[string]string{"status": st})]; !ok {
				t.Errorf("no queue depth for %s", st)
			}
		}
		var all bytes.Buffer
		for k := range got {
			all.WriteString(k + "\n")
		}
		for _, secret := range []string{docID, "metrics-guide", metricsToken, "Metrics Org"} {
			if strings.Contains(all.String(), secret) {
				t.Errorf("the exposition reveals %q", secret)
			}
		}
	})
}
