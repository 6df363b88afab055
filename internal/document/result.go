package document

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
)

// StoredResult is one processing run's result as stored.
type StoredResult struct {
	ID          string
	DocumentID  string
	JobID       string
	ProcessedAt time.Time
	Result      pipeline.Result
}

func scanResult(row db.Scanner) (StoredResult, error) {
	var r StoredResult
	var body db.JSON[pipeline.Result]
	err := row.Scan(&r.ID, &r.DocumentID, &r.JobID, &r.ProcessedAt, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredResult{}, apperr.New(apperr.NotFound, "result_not_found", "processing result not found")
	}
	r.Result, r.ProcessedAt = body.V, r.ProcessedAt.UTC()
	return r, err
}

const resultColumns = `id, document_id, COALESCE(job_id, ''), processed_at, result`

// LatestResult returns the document's most recent result.
func LatestResult(ctx context.Context, q db.Querier, orgID, docID string) (StoredResult, error) {
	return scanResult(q.QueryRow(ctx, `SELECT `+resultColumns+` FROM processing_results
		WHERE org_id = ? AND document_id = ? ORDER BY processed_at DESC, id DESC LIMIT 1`, orgID, docID))
}

// Results returns every result of a document, newest first.
func Results(ctx context.Context, q db.Querier, orgID, docID string) ([]StoredResult, error) {
	rows, err := q.Query(ctx, `SELECT `+resultColumns+` FROM processing_results
		WHERE org_id = ? AND document_id = ? ORDER BY processed_at DESC, id DESC`, orgID, docID)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanResult)
}

// SaveResult records a run's result and updates the document's summary
// (status, scores, RAG-ready unless an admin override holds). Call it in
// the transaction that stores the run's versions.
func SaveResult(ctx context.Context, q db.Querier, orgID, docID, jobID string, res *pipeline.Result) (string, error) {
	id := db.NewID()
	if res.ProcessedAt.IsZero() {
		res.ProcessedAt = db.Now()
	}
	at := res.ProcessedAt.UTC().Truncate(time.Microsecond)
	llmStatus := ""
	if res.LLMEvaluation != nil {
		llmStatus = res.LLMEvaluation.Status
	}
	if _, err := q.Exec(ctx, `INSERT INTO processing_results (id, org_id, document_id, job_id, conversion_score,
		rag_ready, llm_status, result, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, orgID, docID, db.NullString(jobID), res.ConversionScore, res.PassAllThresholds, db.NullString(llmStatus),
		db.JSON[*pipeline.Result]{V: res}, at); err != nil {
		return "", err
	}
	if err := recordUsage(ctx, q, orgID, docID, id, at, res.Usage); err != nil {
		return "", err
	}
	_, err := q.Exec(ctx, `UPDATE documents SET status = ?, conversion_score = ?, llm_status = ?, latest_result_id = ?,
		rag_ready = COALESCE(rag_override, ?), processed_at = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		StatusCompleted, res.ConversionScore, db.NullString(llmStatus), id, res.PassAllThresholds, at, db.Now(), orgID, docID)
	return id, err
}
