package job

import (
	"context"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
)

// Observer is told what the workers did, for metrics. Its methods must be
// quick and safe for concurrent use; they get no tenant data.
type Observer interface {
	// JobFinished: a job's run ended for good (completed, failed or
	// cancelled) after running for d. Retried attempts are not reported.
	JobFinished(kind, outcome string, d time.Duration)
	// TokensUsed: a stored result's LLM use in one pipeline stage.
	TokensUsed(stage string, prompt, completion int)
}

// The outcomes JobFinished reports.
const (
	OutcomeCompleted = StatusCompleted
	OutcomeFailed    = StatusFailed
	OutcomeCancelled = StatusCancelled
)

// finished reports a run that ended for good to the observer, if any.
func (s *Service) finished(kind, outcome string, started time.Time) {
	if s.Observer != nil {
		s.Observer.JobFinished(kind, outcome, time.Since(started))
	}
}

// usedTokens reports a stored result's LLM use, as recorded in llm_usage.
func (s *Service) usedTokens(usage []pipeline.StageUsage) {
	if s.Observer == nil {
		return
	}
	for _, u := range usage {
		s.Observer.TokensUsed(u.Stage, u.PromptTokens, u.CompletionTokens)
	}
}

// QueueDepth counts the jobs queued and running across every organization,
// by status: an operator's aggregate (metrics), no tenant's data. The
// partial index of active jobs keeps it cheap.
func QueueDepth(ctx context.Context, q db.Querier) (map[string]int, error) {
	return countByStatus(ctx, q, `SELECT status, COUNT(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY status`)
}

// countByStatus runs a "SELECT status, COUNT(*) … GROUP BY status" query.
func countByStatus(ctx context.Context, q db.Querier, query string, args ...any) (map[string]int, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
