package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/document"
)

// UsageResponse is the organization's LLM use by model and day.
type UsageResponse struct {
	Since  time.Time           `json:"since"`
	Until  time.Time           `json:"until"`
	Usage  []document.UsageRow `json:"usage"`
	Totals document.UsageRow   `json:"totals"`
}

func (s *Server) usageRoutes() []Route {
	if s.deps.Documents == nil {
		return nil
	}
	return []Route{{Method: "GET", Path: "/api/v1/usage", Tag: "processing", Access: Authenticated, Resp: UsageResponse{},
		Summary: "LLM tokens and calls by model and day (?since=&until=, default the last 30 days)", Handle: s.usage}}
}

func (s *Server) usage(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	until, since := time.Now().UTC(), time.Time{}
	if t := p.time("until"); t != nil {
		until = t.UTC()
	}
	since = until.AddDate(0, 0, -30)
	if t := p.time("since"); t != nil {
		since = t.UTC()
	}
	if err := p.err(); err != nil {
		return err
	}
	rows, err := s.deps.Documents.Usage(r.Context(), callerScope(r), since, until)
	if err != nil {
		return err
	}
	out := UsageResponse{Since: since, Until: until, Usage: rows, Totals: document.UsageRow{Day: "", Model: ""}}
	for _, u := range rows {
		out.Totals.Calls += u.Calls
		out.Totals.PromptTokens += u.PromptTokens
		out.Totals.CompletionTokens += u.CompletionTokens
		out.Totals.TotalTokens += u.TotalTokens
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
