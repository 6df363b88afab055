package app

import (
	"context"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/llm"
)

// budgetLLM gives jobs an organization's LLM endpoint only while its
// monthly token budget (the llm.monthly_token_budget setting; 0 means
// none) is not spent. A run that starts under the budget gets an endpoint
// that counts the tokens of its own calls and refuses the next call once
// the month's spending plus those reaches the budget (the call under way
// finishes, so a run may go over by one call). Runs of one organization in
// parallel each start from what was stored when they began.
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
	metered := *ep
	metered.Chatter = &budgetChatter{next: ep.Chatter, spent: spent, budget: budget, since: since}
	return &metered, nil
}

// budgetChatter is one run's LLM client under the budget: spent is the
// month's tokens, those stored before the run plus the run's own calls.
type budgetChatter struct {
	next   llm.Chatter
	since  time.Time
	budget int64
	mu     sync.Mutex
	spent  int64
}

// Chat implements llm.Chatter; it refuses with an *llm.BudgetError once
// the budget is spent.
func (c *budgetChatter) Chat(ctx context.Context, req llm.Request) (llm.Response, error) {
	c.mu.Lock()
	spent := c.spent
	c.mu.Unlock()
	if spent >= c.budget {
		return llm.Response{}, &llm.BudgetError{Spent: spent, Budget: c.budget, Since: c.since}
	}
	resp, err := c.next.Chat(ctx, req)
	c.mu.Lock()
	c.spent += int64(resp.Usage.PromptTokens + resp.Usage.CompletionTokens)
	c.mu.Unlock()
	return resp, err
}

// monthStart is the first instant of t's calendar month in UTC.
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
