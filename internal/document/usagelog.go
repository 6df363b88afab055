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

// usageDay is the UTC day (YYYY-MM-DD) of llm_usage.used_at in SQL. SQLite
// stores the time as text with its offset, which date() reads and answers
// in UTC; PostgreSQL's TIMESTAMPTZ is turned to UTC whatever the session's
// time zone.
func usageDay(e db.Engine) string {
	if e == db.Postgres {
		return `to_char(used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
	}
	return `date(used_at)`
}

// usageByDay sums the organization's llm_usage rows used in [since, until)
// by UTC day and model: one GROUP BY over the (org_id, used_at) index.
func usageByDay(ctx context.Context, q db.Querier, orgID string, since, until time.Time) ([]UsageRow, error) {
	day := usageDay(q.Engine())
	rows, err := q.Query(ctx, `SELECT `+day+`, model, SUM(calls), SUM(prompt_tokens), SUM(completion_tokens)
		FROM llm_usage WHERE org_id = ? AND used_at >= ? AND used_at < ? GROUP BY `+day+`, model`,
		orgID, since.UTC(), until.UTC())
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(r db.Scanner) (UsageRow, error) {
		var u UsageRow
		err := r.Scan(&u.Day, &u.Model, &u.Calls, &u.PromptTokens, &u.CompletionTokens)
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
		return u, err
	})
}
