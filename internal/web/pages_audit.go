package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
)

// auditPerPage is the audit page's size.
const auditPerPage = 50

// AuditData is the audit log page: the filters, one page of rows (keyset
// pagination by cursor) and the export links for the same filters.
type AuditData struct {
	Filter  url.Values
	Items   []audit.Log
	Next    string
	CSV     string
	JSONL   string
	AllOrgs bool
}

func (u *UI) auditRoutes() {
	u.page("GET /audit", admin, u.auditPage)
	u.page("GET /audit/export", admin, u.auditExport)
}

// auditFilterNames are the filters the page offers (the API's).
var auditFilterNames = []string{"action", "entity_type", "entity_id", "user_id", "status", "since", "until", "org_id"}

// auditFilter reads the filters; the organization comes from the scope, and
// only a system administrator may read others (or all).
func auditFilter(v *View, q url.Values) (audit.Filter, url.Values, error) {
	kept := url.Values{}
	for _, n := range auditFilterNames {
		if s := strings.TrimSpace(q.Get(n)); s != "" {
			kept.Set(n, s)
		}
	}
	f := audit.Filter{OrgID: v.Scope.OrgID, Action: kept.Get("action"), EntityType: kept.Get("entity_type"),
		EntityID: kept.Get("entity_id"), UserID: kept.Get("user_id"), Status: kept.Get("status")}
	if v.Scope.SystemAdmin && kept.Get("org_id") != "" {
		f.OrgID = kept.Get("org_id")
	} else {
		kept.Del("org_id")
	}
	var fields apperr.Fields
	if f.Status != "" && f.Status != "success" && f.Status != "failure" {
		fields.Add("status", "must be success or failure")
	}
	f.Since = parseDate(kept.Get("since"), "since", &fields)
	f.Until = parseDate(kept.Get("until"), "until", &fields)
	return f, kept, fields.Err()
}

// parseDate reads a date (YYYY-MM-DD) or an RFC 3339 time.
func parseDate(s, field string, fields *apperr.Fields) *time.Time {
	if s == "" {
		return nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	fields.Add(field, "must be a date (YYYY-MM-DD)")
	return nil
}

func (u *UI) auditPage(w http.ResponseWriter, r *http.Request, v *View) error {
	f, kept, ferr := auditFilter(v, r.URL.Query())
	d := &AuditData{Filter: kept, AllOrgs: v.Scope.SystemAdmin}
	v.Title, v.Section, v.Data, v.Form = "Audit log", "audit", d, kept
	if ferr != nil {
		v.SetError(ferr)
		v.Error = ""
		u.render(w, r, "audit", v)
		return nil
	}
	page, err := audit.List(r.Context(), u.deps.DB, f, r.URL.Query().Get("cursor"), auditPerPage)
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		u.render(w, r, "audit", v)
		return nil
	}
	d.Items = page.Items
	if page.NextCursor != nil {
		q := cloneValues(kept)
		q.Set("cursor", *page.NextCursor)
		d.Next = "/audit?" + q.Encode()
	}
	for _, format := range []string{"csv", "jsonl"} {
		q := cloneValues(kept)
		q.Set("format", format)
		if format == "csv" {
			d.CSV = "/audit/export?" + q.Encode()
		} else {
			d.JSONL = "/audit/export?" + q.Encode()
		}
	}
	u.render(w, r, "audit", v)
	return nil
}

// auditExport streams the filtered log as CSV or JSON Lines (the same
// columns as the API's export).
func (u *UI) auditExport(w http.ResponseWriter, r *http.Request, v *View) error {
	f, _, err := auditFilter(v, r.URL.Query())
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "jsonl" {
		format = "csv"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="audit-logs-`+time.Now().UTC().Format("20060102T150405Z")+"."+format+`"`)
	if format == "jsonl" {
		w.Header().Set("Content-Type", "application/x-ndjson")
		return audit.WriteJSONL(r.Context(), w, u.deps.DB, f)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return audit.WriteCSV(r.Context(), w, u.deps.DB, f)
}
