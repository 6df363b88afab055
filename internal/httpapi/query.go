package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/sanitize"
)

// MaxLimit is the largest page any list endpoint returns.
const MaxLimit = 1000

// callerScope returns the authenticated scope of a non-public route.
func callerScope(r *http.Request) auth.Scope {
	s, _ := auth.FromContext(r.Context())
	return s
}

// queryParams reads typed query parameters and collects every problem.
// Unknown parameters are ignored.
type queryParams struct {
	r      *http.Request
	fields apperr.Fields
}

func params(r *http.Request) *queryParams { return &queryParams{r: r} }

func (p *queryParams) str(name string) string { return sanitize.String(p.r.URL.Query().Get(name)) }

// page reads skip (≥ 0, default 0) and limit (1..MaxLimit, default 100).
func (p *queryParams) page() (skip, limit int) {
	skip = p.integer("skip", 0, 0, 1<<31-1)
	limit = p.integer("limit", 100, 1, MaxLimit)
	return skip, limit
}

func (p *queryParams) integer(name string, def, lo, hi int) int {
	v := p.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.fields.Add(name, "must be a whole number")
		return def
	}
	if n < lo || n > hi {
		p.fields.Add(name, "must be between "+strconv.Itoa(lo)+" and "+strconv.Itoa(hi))
		return def
	}
	return n
}

func (p *queryParams) boolean(name string) *bool {
	v := p.str(name)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fields.Add(name, "must be true or false")
		return nil
	}
	return &b
}

func (p *queryParams) time(name string) *time.Time {
	v := p.str(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if d, derr := time.Parse("2006-01-02", v); derr == nil {
			return &d
		}
		p.fields.Add(name, "must be an RFC 3339 time or a date (YYYY-MM-DD)")
		return nil
	}
	return &t
}

func (p *queryParams) err() error { return p.fields.Err() }
