package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/audit"
)

func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/audit-logs", Tag: "audit", Access: Admin,
			Summary: "Audit log, newest first (filters: action (user.* for a prefix), entity_type, entity_id, user_id, status, since, until; cursor, limit ≤ 1000). System administrators read every organization unless org_id is given.",
			Resp:    audit.Page{}, Handle: s.listAudit},
		{Method: "GET", Path: "/api/v1/audit-logs/export", Tag: "audit", Access: Admin,
			Summary: "Stream the filtered audit log as CSV or JSON Lines (format=csv|jsonl)", Handle: s.exportAudit},
	}
}

// auditFilter reads the filters shared by listing and export. The
// organization comes from the scope; only system administrators may choose.
func auditFilter(r *http.Request, p *queryParams) audit.Filter {
	sc := callerScope(r)
	f := audit.Filter{OrgID: sc.OrgID, Action: p.str("action"), EntityType: p.str("entity_type"),
		EntityID: p.str("entity_id"), UserID: p.str("user_id"), Status: p.str("status"),
		Since: p.time("since"), Until: p.time("until")}
	if sc.SystemAdmin {
		f.OrgID = p.str("org_id")
		f.AllOrgs = f.OrgID == ""
	}
	if f.Status != "" && f.Status != "success" && f.Status != "failure" {
		p.fields.Add("status", "must be success or failure")
	}
	return f
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	f := auditFilter(r, p)
	limit := p.integer("limit", 100, 1, MaxLimit)
	if err := p.err(); err != nil {
		return err
	}
	page, err := audit.List(r.Context(), s.deps.DB, f, p.str("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	f := auditFilter(r, p)
	format := p.str("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "jsonl" {
		p.fields.Add("format", "must be csv or jsonl")
	}
	if err := p.err(); err != nil {
		return err
	}
	name := "audit-logs-" + time.Now().UTC().Format("20060102T150405Z") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "jsonl" {
		w.Header().Set("Content-Type", "application/x-ndjson")
		return audit.WriteJSONL(r.Context(), w, s.deps.DB, f)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return audit.WriteCSV(r.Context(), w, s.deps.DB, f)
}
