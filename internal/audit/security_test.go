package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

func TestRedactWidened(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	in := map[string]any{
		"openai_key": "sk-live", "OPENAI-KEY": "x", "llm": map[string]any{"apiKey": "x", "model": "gpt"},
		"client_secret": "s", "private": "p", "passphrase": "p", "note": jwt, "header": "Bearer abcdef",
		"key_hash_count": 3, "url": "postgres://user:hunter2@db:5432/x", "plain": "hello", "prefix": "cur_1234abcd",
		"pasted": "cur_" + strings.Repeat("ab", 32), "openai": "sk-proj-abcdefghijklmnop1234",
	}
	out := audit.Redact(in)
	for _, k := range []string{"openai_key", "OPENAI-KEY", "client_secret", "private", "passphrase", "note", "header", "pasted", "openai"} {
		if out[k] != audit.Redacted {
			t.Errorf("%s not redacted: %v", k, out[k])
		}
	}
	if out["llm"].(map[string]any)["apiKey"] != audit.Redacted || out["llm"].(map[string]any)["model"] != "gpt" {
		t.Errorf("nested: %v", out["llm"])
	}
	if out["url"] != "postgres://user:"+audit.Redacted+"@db:5432/x" {
		t.Errorf("url: %v", out["url"])
	}
	if out["plain"] != "hello" || out["prefix"] != "cur_1234abcd" || out["key_hash_count"] != 3 {
		t.Errorf("over-redacted: %v", out)
	}
}

// TestHostileTextIsStorable: NUL and invalid UTF-8 in details, user agent
// and error text are written on both engines (PostgreSQL refuses them raw).
func TestHostileTextIsStorable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{IP: "10.0.0.1", UserAgent: "ua\xff\x00" + strings.Repeat("ü", 300)})
		err := audit.Record(ctx, d, audit.Entry{Action: "test.bytes", Details: map[string]any{"n\x00": "a\x00b\xfe"}, Error: "e\x00\xff"})
		if err != nil {
			t.Fatal(err)
		}
		var ua, details string
		if err := d.QueryRow(ctx, "SELECT user_agent, CAST(details AS TEXT) FROM audit_logs WHERE action = 'test.bytes'").Scan(&ua, &details); err != nil {
			t.Fatal(err)
		}
		if len(ua) > 512 || strings.ContainsRune(ua, 0) || !strings.Contains(details, "ab") {
			t.Errorf("ua %q details %s", ua, details)
		}
	})
}

// TestCoalescerCountsRepeatedFailures: 50 failures from one source within a
// minute are one row with attempts=50; another source has its own row; the
// next minute starts a new row.
func TestCoalescerCountsRepeatedFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 1, 1, 10, 0, 5, 0, time.UTC)
		c := audit.NewCoalescer(d, 100)
		c.SetNow(func() time.Time { return now })
		a := audit.WithActor(context.Background(), audit.Actor{IP: "192.0.2.1"})
		b := audit.WithActor(context.Background(), audit.Actor{IP: "192.0.2.2"})
		for i := 0; i < 50; i++ {
			c.Failure(a, audit.Entry{Action: "auth.password_reset", Error: "invalid_token"})
		}
		c.Failure(b, audit.Entry{Action: "auth.password_reset", Error: "invalid_token"})
		if n := count(t, d, "auth.password_reset"); n != 2 {
			t.Fatalf("%d rows after one minute's burst, want 2", n)
		}
		now = now.Add(time.Minute)
		c.Flush(context.Background())
		var details string
		if err := d.QueryRow(context.Background(), "SELECT CAST(details AS TEXT) FROM audit_logs WHERE ip_address = '192.0.2.1'").Scan(&details); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.ReplaceAll(details, " ", ""), `"attempts":50`) {
			t.Errorf("details %s", details)
		}
		c.Failure(a, audit.Entry{Action: "auth.password_reset"})
		if n := count(t, d, "auth.password_reset"); n != 3 {
			t.Errorf("%d rows after the next minute, want 3", n)
		}
	})
}

func count(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = ?", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
