// Package metrics holds Curatore's Prometheus collectors: HTTP requests,
// job runs, extractions, LLM tokens and the queue depth. One Metrics value
// is built by the wiring and handed to the layers that record (the HTTP
// middleware, the job workers, the pipeline); it has its own registry, so
// tests build theirs without sharing global state.
//
// Labels never carry tenant data: no organization ids, document names or
// emails. Every label value comes from a small set the code defines (route
// patterns of the route table, job kinds, source formats, pipeline stages),
// so the number of series stays bounded whatever clients send.
//
// Every method is safe on a nil *Metrics (it records nothing), so code
// built without metrics needs no checks.
package metrics

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// QueueDepthFunc counts the jobs that are queued and running, across every
// organization, keyed by status.
type QueueDepthFunc func(ctx context.Context) (map[string]int, error)

// QueueStatuses are the statuses the queue-depth gauge reports, always
// both (0 when none).
var QueueStatuses = []string{"queued", "running"}

// scrapeTimeout bounds the queue-depth query of one scrape.
const scrapeTimeout = 2 * time.Second

// Metrics is the set of collectors and the registry they are served from.
type Metrics struct {
	reg *prometheus.Registry

	httpRequests       *prometheus.CounterVec
	httpDuration       *prometheus.HistogramVec
	jobsFinished       *prometheus.CounterVec
	jobDuration        *prometheus.HistogramVec
	extractions        *prometheus.CounterVec
	extractionDuration *prometheus.HistogramVec
	llmTokens          *prometheus.CounterVec
}

// New builds the collectors on a fresh registry with the Go runtime and
// process collectors. depth is read at every scrape (nil: no queue gauge).
func New(depth QueueDepthFunc) *Metrics {
	// Jobs and extractions take seconds to minutes; requests milliseconds.
	slow := []float64{0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "curatore_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern of the route table and status code."},
			[]string{"method", "route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "curatore_http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by method and route pattern.", Buckets: prometheus.DefBuckets},
			[]string{"method", "route"}),
		jobsFinished: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "curatore_jobs_finished_total",
			Help: "Job runs that ended for good, by kind and outcome (completed, failed, cancelled)."},
			[]string{"kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "curatore_job_run_duration_seconds",
			Help: "Duration of the last run of jobs that ended for good, by kind.", Buckets: slow},
			[]string{"kind"}),
		extractions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "curatore_extractions_total",
			Help: "Document conversions to Markdown, by source format and outcome (success, failed, cancelled)."},
			[]string{"format", "outcome"}),
		extractionDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "curatore_extraction_duration_seconds",
			Help: "Duration of document conversions, by source format.", Buckets: slow},
			[]string{"format"}),
		llmTokens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "curatore_llm_tokens_total",
			Help: "LLM tokens of stored processing results, by pipeline stage and kind (prompt, completion)."},
			[]string{"stage", "kind"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.jobsFinished, m.jobDuration, m.extractions, m.extractionDuration, m.llmTokens)
	if depth != nil {
		m.reg.MustRegister(queueCollector{depth: depth, desc: prometheus.NewDesc("curatore_job_queue_depth",
			"Jobs queued and running across all organizations, read from the database at scrape time.",
			[]string{"status"}, nil)})
	}
	return m
}

// Gatherer is what the /metrics handler serves.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// knownMethods are the methods labelled by name; any other is "OTHER", so
// a client cannot mint series with made-up methods.
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true,
	"DELETE": true, "OPTIONS": true}

// ObserveHTTP records one answered request. route is the route table's
// pattern ("" when no route matched: labelled "unmatched").
func (m *Metrics) ObserveHTTP(method, route string, code int, d time.Duration) {
	if m == nil {
		return
	}
	if !knownMethods[method] {
		method = "OTHER"
	}
	if route == "" {
		route = "unmatched"
	}
	if code == 0 {
		code = 200 // nothing written: net/http answers 200
	}
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(code)).Inc()
	m.httpDuration.WithLabelValues(method, route).Observe(d.Seconds())
}

// JobFinished records a job run that ended for good (job.Observer).
func (m *Metrics) JobFinished(kind, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.jobsFinished.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind).Observe(d.Seconds())
}

// TokensUsed records the LLM tokens of one pipeline stage (job.Observer).
func (m *Metrics) TokensUsed(stage string, prompt, completion int) {
	if m == nil || (prompt == 0 && completion == 0) {
		return
	}
	m.llmTokens.WithLabelValues(stage, "prompt").Add(float64(prompt))
	m.llmTokens.WithLabelValues(stage, "completion").Add(float64(completion))
}

// Extracted records one conversion (pipeline.Observer).
func (m *Metrics) Extracted(format, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.extractions.WithLabelValues(format, outcome).Inc()
	m.extractionDuration.WithLabelValues(format).Observe(d.Seconds())
}

// queueCollector reads the queue depth at scrape time.
type queueCollector struct {
	depth QueueDepthFunc
	desc  *prometheus.Desc
}

func (c queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect reports nothing when the query fails or times out: a scrape
// without the gauge is better than a failed scrape (or a made-up zero).
func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := c.depth(ctx)
	if err != nil {
		slog.Warn("metrics: queue depth not read", "err", err)
		return
	}
	for _, st := range QueueStatuses {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(counts[st]), st)
	}
}
