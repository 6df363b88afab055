package app

import (
	"context"
	"time"

	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/llm"
)

// budgetLLM gives jobs an organization's LLM endpoint only while its
// monthly token budget (the llm.monthly_token_budget setting; 0 means
// none) is not spent. The check is per job: a run that starts under the
// budget finishes its LLM stages even if it goes over, and the next job
// of the organization is refused.
type budgetLLM struct {
	a    *App
	next job.LLMResolver
	now  func() time.Time
}

// LLMFor implements job.LLMResolver: the next resolver's endpoint, or an
// *llm.BudgetError (errors.Is llm.ErrBudgetExceeded) once the tokens used
// in the current calendar month (UTC) reach the budget. An organization
// without an LLM keeps llm.ErrNotConfigured.
func (b budgetLLM) LLMFor(ctx context.Context, orgID string) (*llm.Endpoint, error) {
	ep, err := b.next.LLMFor(ctx, orgID)
	if err != nil {
		return nil, err
	}
	v, err := b.a.Resolver.Effective(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	budget := v.MonthlyTokenBudget()
	if budget <= 0 {
		return ep, nil
	}
	since := monthStart(b.now())
	spent, err := document.TokensSince(ctx, b.a.DB, orgID, since)
	if err != nil {
		return nil, err
	}
	if spent >= budget {
		return nil, &llm.BudgetError{Spent: spent, Budget: budget, Since: since}
	}
	return ep, nil
}

// monthStart is the first instant of t's calendar month in UTC.
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
