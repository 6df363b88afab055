package metrics

import (
	"context"
	"errors"
	"testing"
	"time"
)

// gathered returns the registry's samples as family name → label values
// ("k=v,…" in label order) → value (counter, gauge or histogram count).
func gathered(t *testing.T, m *Metrics) map[string]map[string]float64 {
	t.Helper()
	fams, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]map[string]float64{}
	for _, f := range fams {
		out[f.GetName()] = map[string]float64{}
		for _, s := range f.GetMetric() {
			key := ""
			for _, l := range s.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + ","
			}
			switch {
			case s.Counter != nil:
				out[f.GetName()][key] = s.GetCounter().GetValue()
			case s.Gauge != nil:
				out[f.GetName()][key] = s.GetGauge().GetValue()
			case s.Histogram != nil:
				out[f.GetName()][key] = float64(s.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

func TestRecording(t *testing.T) {
	m := New(func(context.Context) (map[string]int, error) { return map[string]int{"queued": 3}, nil })
	m.ObserveHTTP("GET", "/api/v1/documents/{id}", 200, time.Millisecond)
	m.ObserveHTTP("BREW", "", 0, time.Millisecond)
	m.JobFinished("process", "failed", time.Second)
	m.Extracted("pdf", "cancelled", time.Second)
	m.TokensUsed("review", 10, 2)
	m.TokensUsed("optimize", 0, 0)
	got := gathered(t, m)
	cases := []struct {
		family, labels string
		want           float64
	}{
		{"curatore_http_requests_total", "code=200,method=GET,route=/api/v1/documents/{id},", 1},
		// Unknown methods and unmatched paths fold into one series each.
		{"curatore_http_requests_total", "code=200,method=OTHER,route=unmatched,", 1},
		{"curatore_http_request_duration_seconds", "method=GET,route=/api/v1/documents/{id},", 1},
		{"curatore_jobs_finished_total", "kind=process,outcome=failed,", 1},
		{"curatore_job_run_duration_seconds", "kind=process,", 1},
		{"curatore_extractions_total", "format=pdf,outcome=cancelled,", 1},
		{"curatore_extraction_duration_seconds", "format=pdf,", 1},
		{"curatore_llm_tokens_total", "kind=prompt,stage=review,", 10},
		{"curatore_llm_tokens_total", "kind=completion,stage=review,", 2},
		{"curatore_job_queue_depth", "status=queued,", 3},
		{"curatore_job_queue_depth", "status=running,", 0},
	}
	for _, tc := range cases {
		v, ok := got[tc.family][tc.labels]
		if !ok || v != tc.want {
			t.Errorf("%s{%s} = %v (present %v), want %v", tc.family, tc.labels, v, ok, tc.want)
		}
	}
	if _, ok := got["curatore_llm_tokens_total"]["kind=prompt,stage=optimize,"]; ok {
		t.Error("a stage without tokens made a series")
	}
	if got["go_goroutines"] == nil || got["process_start_time_seconds"] == nil {
		t.Error("Go or process collector missing")
	}
}

// TestQueueDepthErrorKeepsScrape: a failing or slow query drops the gauge,
// never the scrape.
func TestQueueDepthErrorKeepsScrape(t *testing.T) {
	for name, depth := range map[string]QueueDepthFunc{
		"error": func(context.Context) (map[string]int, error) { return nil, errors.New("database is down") },
		"timeout": func(ctx context.Context) (map[string]int, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	} {
		t.Run(name, func(t *testing.T) {
			got := gathered(t, New(depth))
			if _, ok := got["curatore_job_queue_depth"]; ok {
				t.Error("gauge reported despite the error")
			}
			if got["go_goroutines"] == nil {
				t.Error("the rest of the scrape is missing")
			}
		})
	}
}

// TestNilRecordsNothing: code built without metrics calls a nil *Metrics.
func TestNilRecordsNothing(t *testing.T) {
	var m *Metrics
	m.ObserveHTTP("GET", "/healthz", 200, time.Millisecond)
	m.JobFinished("process", "completed", time.Second)
	m.Extracted("pdf", "success", time.Second)
	m.TokensUsed("review", 1, 1)
}
