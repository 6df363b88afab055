package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/db"
)

// csvHeader is the first line of a CSV export of the log.
var csvHeader = []string{"id", "created_at", "organization_id", "user_id", "action", "entity_type", "entity_id",
	"status", "error_message", "ip_address", "user_agent", "request_id", "details"}

// WriteJSONL streams the rows matching f to w, one JSON object a line,
// newest first.
func WriteJSONL(ctx context.Context, w io.Writer, d *db.DB, f Filter) error {
	enc := json.NewEncoder(w)
	return Each(ctx, d, f, func(l Log) error { return enc.Encode(l) })
}

// WriteCSV streams the rows matching f to w as CSV under a header line,
// newest first. A cell a client controls (a user agent, say) that starts
// like a spreadsheet formula is prefixed with ' so that it does not run as
// one when an admin opens the export.
func WriteCSV(ctx context.Context, w io.Writer, d *db.DB, f Filter) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	err := Each(ctx, d, f, func(l Log) error { return cw.Write(csvRow(l)) })
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

// csvRow is one log row as CSV cells, formulas defused.
func csvRow(l Log) []string {
	details, _ := json.Marshal(l.Details)
	row := []string{l.ID, l.CreatedAt.Format(time.RFC3339Nano), deref(l.OrganizationID), deref(l.UserID),
		l.Action, deref(l.EntityType), deref(l.EntityID), l.Status, deref(l.ErrorMessage), deref(l.IPAddress),
		deref(l.UserAgent), deref(l.RequestID), string(details)}
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
