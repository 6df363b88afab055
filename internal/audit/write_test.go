package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// TestWriteCSVAndJSONL: both exports hold the organization's rows; in the
// CSV, a client-controlled cell that starts like a spreadsheet formula is
// defused with a leading '.
func TestWriteCSVAndJSONL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seedOrg(t, d, "org-a")
		ctx := audit.WithActor(context.Background(), audit.Actor{UserAgent: `=HYPERLINK("http://evil")`})
		for _, action := range []string{"document.upload", "document.delete"} {
			if err := audit.Record(ctx, d, audit.Entry{OrgID: "org-a", Action: action}); err != nil {
				t.Fatal(err)
			}
		}
		f := audit.Filter{OrgID: "org-a"}
		var buf bytes.Buffer
		if err := audit.WriteCSV(ctx, &buf, d, f); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 3 || rows[0][0] != "id" || rows[0][10] != "user_agent" {
			t.Fatalf("csv: %v %q", err, rows)
		}
		if ua := rows[1][10]; ua != `'=HYPERLINK("http://evil")` {
			t.Errorf("user agent cell = %q, want the formula defused", ua)
		}
		buf.Reset()
		if err := audit.WriteJSONL(ctx, &buf, d, f); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		var l audit.Log
		if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &l) != nil || l.Action != "document.delete" {
			t.Fatalf("jsonl: %s", buf.String())
		}
		if l.UserAgent == nil || *l.UserAgent != `=HYPERLINK("http://evil")` {
			t.Errorf("jsonl keeps the value as it is, got %v", l.UserAgent)
		}
	})
}
