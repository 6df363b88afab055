package document

import (
	"context"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
)

// recordUsage writes a run's LLM use to llm_usage, one row per stage that
// used the LLM, in the transaction that stores its result.
func recordUsage(ctx context.Context, q db.Querier, orgID, docID, resultID string, at time.Time, usage []pipeline.StageUsage) error {
	for i, u := range usage {
		if u.Calls == 0 && u.PromptTokens == 0 && u.CompletionTokens == 0 {
			continue
		}
		if _, err := q.Exec(ctx, `INSERT INTO llm_usage (id, org_id, result_id, document_id, stage, model, calls,
			prompt_tokens, completion_tokens, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			resultID+"-"+strconv.Itoa(i), orgID, resultID, docID, u.Stage, u.Model, u.Calls,
			u.PromptTokens, u.CompletionTokens, at); err != nil {
			return err
		}
	}
	return nil
}

// TokensSince is the organization's LLM tokens (prompt + completion) used
// by runs stored at or after since: one indexed sum over llm_usage.
func TokensSince(ctx context.Context, q db.Querier, orgID string, since time.Time) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM llm_usage
		WHERE org_id = ? AND used_at >= ?`, orgID, since.UTC()).Scan(&n)
	return n, err
}
