package audit

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

// Log is one stored audit row as the API shows it.
type Log struct {
	ID             string         `json:"id"`
	OrganizationID *string        `json:"organization_id"`
	UserID         *string        `json:"user_id"`
	Action         string         `json:"action"`
	EntityType     *string        `json:"entity_type"`
	EntityID       *string        `json:"entity_id"`
	Details        map[string]any `json:"details"`
	IPAddress      *string        `json:"ip_address"`
	UserAgent      *string        `json:"user_agent"`
	RequestID      *string        `json:"request_id"`
	Status         string         `json:"status"`
	ErrorMessage   *string        `json:"error_message"`
	CreatedAt      time.Time      `json:"created_at"`
}

// Filter selects audit rows. OrgID is set by the caller from the scope; an
// empty OrgID with AllOrgs set reads every organization (system admins only).
type Filter struct {
	OrgID      string
	AllOrgs    bool
	Action     string
	EntityType string
	EntityID   string
	UserID     string
	Status     string
	Since      *time.Time
	Until      *time.Time
}

// Page is one page of rows, newest first, and the cursor of the next page.
type Page struct {
	Items      []Log   `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

const logColumns = `id, org_id, user_id, action, entity_type, entity_id, details, ip_address, user_agent,
	request_id, status, error_message, created_at`

// where builds the WHERE clause of a filter.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if !f.AllOrgs {
		add("org_id = ?", f.OrgID)
	}
	if f.Action != "" {
		// "user.*" selects every user action.
		if prefix, ok := strings.CutSuffix(f.Action, "*"); ok {
			add("action LIKE ?", prefix+"%")
		} else {
			add("action = ?", f.Action)
		}
	}
	for _, c := range []struct{ col, v string }{
		{"entity_type", f.EntityType}, {"entity_id", f.EntityID}, {"user_id", f.UserID}, {"status", f.Status},
	} {
		if c.v != "" {
			add(c.col+" = ?", c.v)
		}
	}
	if f.Since != nil {
		add("created_at >= ?", f.Since.UTC())
	}
	if f.Until != nil {
		add("created_at < ?", f.Until.UTC())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns up to limit rows after cursor (empty: the newest).
func List(ctx context.Context, d *db.DB, f Filter, cursor string, limit int) (Page, error) {
	where, args := f.where()
	if cursor != "" {
		at, id, err := decodeCursor(cursor)
		if err != nil {
			return Page{}, err
		}
		// created_at <= ? bounds the index range, so a deep page costs what
		// the first does.
		cond := "created_at <= ? AND (created_at < ? OR id < ?)"
		if where == "" {
			where = " WHERE " + cond
		} else {
			where += " AND " + cond
		}
		args = append(args, at, at, id)
	}
	args = append(args, limit+1)
	rows, err := d.Query(ctx, "SELECT "+logColumns+" FROM audit_logs"+where+" ORDER BY created_at DESC, id DESC LIMIT ?", args...)
	if err != nil {
		return Page{}, err
	}
	items, err := db.Collect(rows, scanLog)
	if err != nil {
		return Page{}, err
	}
	page := Page{Items: items}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		c := encodeCursor(last.CreatedAt, last.ID)
		page.NextCursor = &c
	}
	return page, nil
}

// Each calls fn for every row matching f, newest first, streaming from the
// database (for exports of any size).
func Each(ctx context.Context, d *db.DB, f Filter, fn func(Log) error) error {
	where, args := f.where()
	rows, err := d.Query(ctx, "SELECT "+logColumns+" FROM audit_logs"+where+" ORDER BY created_at DESC, id DESC", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLog(rows)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}

func scanLog(s db.Scanner) (Log, error) {
	var l Log
	var details db.JSON[map[string]any]
	err := s.Scan(&l.ID, &l.OrganizationID, &l.UserID, &l.Action, &l.EntityType, &l.EntityID, &details,
		&l.IPAddress, &l.UserAgent, &l.RequestID, &l.Status, &l.ErrorMessage, &l.CreatedAt)
	l.Details = details.V
	l.CreatedAt = l.CreatedAt.UTC()
	return l, err
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	bad := apperr.Field("cursor", "is not a cursor returned by this endpoint")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	ts, id, ok := strings.Cut(string(raw), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", bad
	}
	return at, id, nil
}

// Prune deletes rows older than retention (0 keeps everything) and returns
// how many were deleted. When it deletes any, it records a server-wide
// "audit.prune" row in the same transaction, so the log says what it lost.
func Prune(ctx context.Context, d *db.DB, retention time.Duration) (int64, error) {
	if retention <= 0 {
		return 0, nil
	}
	var n int64
	err := d.InTx(ctx, func(q db.Querier) error {
		cutoff := db.Now().Add(-retention)
		res, err := q.Exec(ctx, "DELETE FROM audit_logs WHERE created_at < ?", cutoff)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return Record(ctx, q, Entry{Action: "audit.prune", EntityType: "audit_log",
			Details: map[string]any{"rows_deleted": n, "before": cutoff, "retention_days": int(retention.Hours() / 24)}})
	})
	return n, err
}
