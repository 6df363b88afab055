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

// Usage sums the LLM calls and tokens recorded in the organization's
// processing results processed in [since, until), by model and day.
func (s *Service) Usage(ctx context.Context, sc auth.Scope, since, until time.Time) ([]UsageRow, error) {
	if !until.After(since) {
		return nil, apperr.Field("until", "must be after since")
	}
	if until.Sub(since) > 366*24*time.Hour {
		return nil, apperr.Field("since", "the range may span at most 366 days")
	}
	results, err := ResultsBetween(ctx, s.DB, sc.OrgID, since, until)
	if err != nil {
		return nil, err
	}
	sum := map[[2]string]*UsageRow{}
	for _, r := range results {
		day := r.ProcessedAt.UTC().Format("2006-01-02")
		for _, u := range r.Result.Usage {
			if u.Calls == 0 && u.PromptTokens == 0 && u.CompletionTokens == 0 {
				continue
			}
			k := [2]string{day, u.Model}
			row := sum[k]
			if row == nil {
				row = &UsageRow{Day: day, Model: u.Model}
				sum[k] = row
			}
			row.Calls += u.Calls
			row.PromptTokens += u.PromptTokens
			row.CompletionTokens += u.CompletionTokens
			row.TotalTokens += u.PromptTokens + u.CompletionTokens
		}
	}
	out := make([]UsageRow, 0, len(sum))
	for _, r := range sum {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].Model < out[j].Model
	})
	return out, nil
}
