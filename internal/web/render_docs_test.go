package web

import (
	"html/template"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/webhook"
)

// documentsFullData are the full view models of the document pages.
func documentsFullData() map[string]any {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	score := 62.0
	llm := 8.5
	eta := 42
	docs := []document.Document{
		{ID: "d1", Filename: "report <2026>.pdf", Kind: "pdf", FileSize: 123456, Status: document.StatusCompleted, RAGReady: true,
			ConversionScore: &score, UploadedAt: now},
		{ID: "d2", Filename: "notes.docx", Kind: "docx", FileSize: 999, Status: document.StatusFailed, UploadedAt: now},
	}
	jobRunning := job.Job{ID: "j1", DocumentID: "d1", Kind: job.KindProcess, Status: job.StatusRunning, Stage: "review",
		Progress: 40, ETASeconds: &eta, Attempts: 1, EnqueuedAt: now}
	jobFailed := job.Job{ID: "j2", DocumentID: "d2", Status: job.StatusFailed, Error: "The file is encrypted", EnqueuedAt: now, FinishedAt: &now}
	res := &pipeline.Result{PassAllThresholds: false, ReasonCodes: []string{"conversion_below_threshold"}, Engine: "native",
		ProcessingTime: 1.25, ThresholdsUsed: pipeline.Thresholds{Conversion: 70},
		ConversionResult: pipeline.ConversionResult{TotalCharacters: 5000, Pages: []pipeline.PageScore{{Page: 1, Score: 90}, {Page: 2, Score: 30, Reason: "little text"}}},
		LLMEvaluation: &pipeline.LLMEvaluation{Status: "completed", Model: "gpt-test", PassRecommendation: "Pass", OverallFeedback: "Clear.",
			Criteria: []pipeline.Criterion{{Name: "clarity", Score: 8.5, Feedback: "Well structured.", Evidence: "## Summary"}}},
		Checks: []pipeline.ThresholdCheck{{Name: "conversion", Threshold: 70, Score: &score, Reason: "conversion_below_threshold"},
			{Name: "clarity", Threshold: 7, Score: &llm, Passed: true}, {Name: "relevance", Threshold: 7}},
		Attempts:  []extract.Attempt{{Engine: "native", OK: true}, {Engine: "docling", Code: "timeout", Error: "slow"}},
		Usage:     []pipeline.StageUsage{{Stage: "review", Model: "gpt-test", Calls: 2, PromptTokens: 1000, CompletionTokens: 200, Duration: time.Second}},
		FactCheck: &pipeline.FactCheck{Dropped: []string{"2026"}}}
	versions := []document.Version{{DocumentID: "d1", Number: 1, Kind: document.KindExtracted},
		{DocumentID: "d1", Number: 2, Kind: document.KindOptimized, Rejected: "facts_dropped"}}
	return map[string]any{
		"documents": &DocumentsData{Docs: docs, Status: "completed", RAG: "true", Q: "rep", Since: "2026-01-01", Next: "/documents?after=x",
			Statuses: []string{"uploaded", "completed"}, Options: ProcessOptions{AutoOptimize: true,
				Thresholds: []ThresholdField{{Name: "conversion", Label: "Conversion", Value: "70", Min: 0, Max: 100}}}},
		"batch": &BatchData{Batch: job.Batch{ID: "b1"}, Progress: 50, Active: true,
			Counts: map[string]int{"completed": 1, "failed": 1, "running": 1, "queued": 0},
			Rows:   []JobRow{{Job: jobRunning, Filename: "report.pdf", ETA: "about 42 s left"}, {Job: jobFailed, Filename: "notes.docx"}}},
		"document": &DocumentData{Doc: docs[0], Versions: versions, Version: versions[0], Preview: "pdf",
			HTML: template.HTML("<h1>Report</h1><p>Text</p>"), Result: res, Scores: scoreBars(res), Pages: pageBars(res),
			Job:      &JobRow{Job: jobRunning, Filename: "report.pdf", ETA: "about 42 s left"},
			Logs:     []job.Log{{TS: now, Stage: "extract", Progress: 10, Message: "extracting"}},
			Chunks:   []chunk.Chunk{{Text: "# Report\n\nText", Tokens: 5, HeadingPath: []string{"Report"}, Pages: []int{1, 2}}},
			ChunkOpt: "1 chunks of at most 512 cl100k_base tokens, overlap 64"},
		"usage": &UsageData{Days: 7, Total: 1200, MaxDaily: 1200, Bars: []UsageBar{{Day: "2026-12-01", Tokens: 1200, W: 10, H: 100}},
			Rows:    []document.UsageRow{{Day: "2026-12-01", Model: "gpt-test", Calls: 2, TotalTokens: 1200}},
			ByModel: []document.UsageRow{{Model: "gpt-test", Calls: 2, TotalTokens: 1200}}},
		"connections": connectionsFullData(now),
		"webhooks":    webhooksFullData(now),
		"exports": &ExportsData{IDs: []string{"d1", "d2"}, Size: 512, Overlap: 64, Tokenizer: "cl100k_base",
			Tokenizers: []string{"cl100k_base", "o200k_base", "characters"}},
		"edit": &EditData{DocID: "d1", Filename: "report.pdf", Markdown: "# Report"},
		"diff": &DiffData{DocID: "d1", Filename: "report.pdf", A: 1, B: 2, Versions: []int{1, 2},
			Rows: []DiffRow{{Left: "a", Right: "a", LeftNo: 1, RightNo: 1, Same: true}, {Left: "b", LeftNo: 2, Del: true, Right: "c", RightNo: 2, Ins: true}}},
	}
}

// connectionsFullData has a stored connection of each type, a live test
// result, a row error and an edit form with field errors.
func connectionsFullData(now time.Time) *ConnectionsData {
	d := &ConnectionsData{Types: connection.Types(), Tested: map[string]*connection.TestResult{},
		RowError: map[string]string{"c2": "The stored configuration is no longer valid."}}
	for i, t := range connection.Types() {
		id := "c" + strconv.Itoa(i+1)
		d.Connections = append(d.Connections, connection.Connection{ID: id, Name: t.DisplayName(), Type: t.Name(),
			IsDefault: i == 0, IsActive: i != 2, TestStatus: "healthy", LastTestedAt: &now,
			TestResult: &connection.TestResult{Success: true, Message: "ok", LatencyMS: 12}})
	}
	d.Tested["c1"] = &connection.TestResult{Success: false, Status: "unhealthy", Message: "refused", Error: "dial", LatencyMS: 3}
	d.Form = formFor(connection.Types()[0].Name(), nil, map[string]string{})
	d.Form.Fields[0].Error = "Is required."
	return d
}

// webhooksFullData has two endpoints, a fresh secret, a row error and a
// delivery log with each status.
func webhooksFullData(now time.Time) *WebhooksData {
	code, ms := 500, int64(42)
	msg := "connection refused"
	ep := webhook.Endpoint{ID: "w1", URL: "https://example.com/hook", Description: "CI", Events: webhook.Events, IsActive: true}
	return &WebhooksData{Endpoints: []webhook.Endpoint{ep, {ID: "w2", URL: "https://example.org/x", Events: []string{"job.failed"}}},
		Events: webhook.Events, Secret: "whsec_once", SecretFor: ep.URL, Selected: &ep, Total: 3,
		RowError: map[string]string{"w2": "Not allowed."},
		Deliveries: []webhook.Delivery{{Event: "ping", Status: "succeeded", Attempts: 1, CreatedAt: now, DurationMS: &ms},
			{Event: "job.failed", Status: "retrying", Attempts: 2, ResponseStatus: &code, Error: &msg, CreatedAt: now, NextAttemptAt: &now},
			{Event: "job.completed", Status: "failed", Attempts: 5, CreatedAt: now}}}
}
