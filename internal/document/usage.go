package document

import (
	"context"
	"sort"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
)

// UsageRow is the LLM use of one model on one day.
type UsageRow struct {
	Day              string `json:"day"` // YYYY-MM-DD (UTC)
	Model            string `json:"model"`
	Calls            int    `json:"calls"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
	TotalTokens      int    `json:"total_tokens"`
}

// Usage sums the LLM calls and tokens the organization's processing runs
// stored in [since, until), by model and day, from llm_usage: what was
// spent stays counted when its document is deleted, as in the budget.
func (s *Service) Usage(ctx context.Context, sc auth.Scope, since, until time.Time) ([]UsageRow, error) {
	if !until.After(since) {
		return nil, apperr.Field("until", "must be after since")
	}
	if until.Sub(since) > 366*24*time.Hour {
		return nil, apperr.Field("since", "the range may span at most 366 days")
	}
	out, err := usageByDay(ctx, s.DB, sc.OrgID, since, until)
	if err != nil {
		return nil, err
	}
	// Sorted here, by bytes: PostgreSQL's ORDER BY would follow the
	// database's collation for the model names.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].Model < out[j].Model
	})
	return out, nil
}
