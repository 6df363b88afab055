package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/app"
)

// verify checks the three promises of the load test and prints each result.
func verify(ctx context.Context, a *app.App, base string, tenants []tenant, s *stats, start, end time.Time) error {
	var failures []error
	if len(s.fivexx) > 0 {
		failures = append(failures, fmt.Errorf("%d responses were 5xx, first: %s", len(s.fivexx), s.fivexx[0]))
	} else {
		fmt.Println("ok: zero 5xx")
	}
	if err := verifyIsolation(ctx, a, base, tenants, s); err != nil {
		failures = append(failures, err)
	} else {
		fmt.Println("ok: every invitation is visible to its own organization only")
	}
	if err := verifyAudit(ctx, a, tenants, s, start, end); err != nil {
		failures = append(failures, err)
	}
	return errors.Join(failures...)
}

// verifyIsolation reads each organization's invitations through the API,
// as its admin, and compares them with the addresses its clients invited:
// all of them are there, and nobody invited by another organization is.
func verifyIsolation(ctx context.Context, a *app.App, base string, tenants []tenant, s *stats) error {
	owner := map[string]string{}
	for orgID, emails := range s.invited {
		for _, e := range emails {
			owner[e] = orgID
		}
	}
	for _, t := range tenants {
		c, err := newClient(base, t, 0, newStats())
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for skip := 0; ; skip += 1000 {
			var page struct {
				Users []struct {
					Email string `json:"email"`
				} `json:"invitations"`
				Total int `json:"total"`
			}
			if st, err := c.call("GET", fmt.Sprintf("/api/v1/organizations/me/invitations?status=all&limit=1000&skip=%d", skip), nil, &page); err != nil || st != 200 {
				return fmt.Errorf("list invitations of %s: %d %v", t.orgID, st, err)
			}
			for _, u := range page.Users {
				seen[u.Email] = true
				if o, ok := owner[u.Email]; ok && o != t.orgID {
					return fmt.Errorf("org %s lists %s, invited by org %s", t.orgID, u.Email, o)
				}
			}
			if skip+1000 >= page.Total {
				break
			}
		}
		for _, e := range s.invited[t.orgID] {
			if !seen[e] {
				return fmt.Errorf("org %s does not list %s, which it invited", t.orgID, e)
			}
		}
	}
	return nil
}

// verifyAudit: per organization, successful audit rows written while the
// load ran equal the successful mutations the clients saw.
func verifyAudit(ctx context.Context, a *app.App, tenants []tenant, s *stats, start, end time.Time) error {
	total, rows := 0, 0
	for _, t := range tenants {
		var n int
		if err := a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM audit_logs WHERE org_id = ? AND status = 'success' AND created_at >= ? AND created_at < ?`,
			t.orgID, start, end).Scan(&n); err != nil {
			return err
		}
		if n != s.mutations[t.orgID] {
			return fmt.Errorf("org %s: %d successful audit rows for %d successful mutations (%s)", t.orgID, n, s.mutations[t.orgID],
				actionCounts(ctx, a, t.orgID, start, end))
		}
		total += s.mutations[t.orgID]
		rows += n
	}
	fmt.Printf("ok: %d successful mutations, %d success audit rows (per organization equal)\n", total, rows)
	return nil
}

// actionCounts lists the audit rows of an org by action, for diagnosis.
func actionCounts(ctx context.Context, a *app.App, orgID string, start, end time.Time) string {
	rows, err := a.DB.Query(ctx, `SELECT action, status, COUNT(*) FROM audit_logs WHERE org_id = ? AND created_at >= ? AND created_at < ?
		GROUP BY action, status ORDER BY action`, orgID, start, end)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var action, status string
		var n int
		_ = rows.Scan(&action, &status, &n)
		out = append(out, fmt.Sprintf("%s/%s=%d", action, status, n))
	}
	return strings.Join(out, " ")
}
