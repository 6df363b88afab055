package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/user"
)

func TestPruneExpiredKeepsLiveRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := db.Now()
		u := user.User{Email: "p@example.com", Username: "prune", PasswordHash: "!", IsActive: true}
		var orgID = db.NewID()
		err := d.InTx(ctx, func(q db.Querier) error {
			if _, err := q.Exec(ctx, `INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at) VALUES (?, 'P', 'P', 'p', ?, ?)`, orgID, now, now); err != nil {
				return err
			}
			return user.Create(ctx, q, &u)
		})
		if err != nil {
			t.Fatal(err)
		}
		day := 24 * time.Hour
		sessions := []struct {
			id        string
			expires   time.Time
			revoked   any
			wantAlive bool
		}{
			{"live", now.Add(day), nil, true},
			{"expired-long-ago", now.Add(-2 * day), nil, false},
			{"expired-just-now", now.Add(-time.Hour), nil, true},
			{"revoked-long-ago", now.Add(day), now.Add(-2 * day), false},
			{"revoked-recently", now.Add(day), now.Add(-time.Hour), true},
		}
		for _, s := range sessions {
			if _, err := d.Exec(ctx, `INSERT INTO sessions (id, user_id, org_id, refresh_jti, created_at, refreshed_at, expires_at, revoked_at)
				VALUES (?, ?, ?, 'j', ?, ?, ?, ?)`, s.id, u.ID, orgID, now, now, s.expires, s.revoked); err != nil {
				t.Fatal(err)
			}
		}
		for i, exp := range []time.Time{now.Add(day), now.Add(-2 * day)} {
			if _, err := d.Exec(ctx, `INSERT INTO user_tokens (id, user_id, purpose, token_hash, expires_at, created_at) VALUES (?, ?, 'password_reset', ?, ?, ?)`,
				db.NewID(), u.ID, auth.Digest(string(rune('a'+i))), exp, now); err != nil {
				t.Fatal(err)
			}
		}
		s := newService(t, d)
		n, err := s.PruneExpired(ctx)
		if err != nil || n != 3 {
			t.Fatalf("pruned %d, %v; want 3", n, err)
		}
		for _, c := range sessions {
			var k int
			_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE id = ?`, c.id).Scan(&k)
			if (k == 1) != c.wantAlive {
				t.Errorf("session %s alive=%v", c.id, k == 1)
			}
		}
	})
}
