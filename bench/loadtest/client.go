package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/user"
)

// tenant is one organization and the credentials of its admin.
type tenant struct {
	orgID    string
	login    string
	password string
}

const password = "load-test-password"

// setup creates the organizations and their admins directly in the database
// (the load is about the API, not about seeding).
func setup(ctx context.Context, a *app.App, base string, n int) ([]tenant, error) {
	hash, err := auth.HashPassword(password, a.Config.BcryptRounds)
	if err != nil {
		return nil, err
	}
	var out []tenant
	for i := 0; i < n; i++ {
		o := org.Organization{Name: fmt.Sprintf("Load Org %d", i), Slug: fmt.Sprintf("load-%d", i), IsActive: true}
		u := user.User{Email: fmt.Sprintf("admin%d@load.test", i), Username: fmt.Sprintf("admin%d", i),
			PasswordHash: hash, IsActive: true, IsVerified: true}
		err := a.DB.InTx(ctx, func(q db.Querier) error {
			if err := org.Create(ctx, q, &o); err != nil {
				return err
			}
			if err := user.Create(ctx, q, &u); err != nil {
				return err
			}
			return user.AddMembership(ctx, q, &user.Membership{OrgID: o.ID, UserID: u.ID, Role: string(auth.RoleAdmin), IsActive: true})
		})
		if err != nil {
			return nil, err
		}
		out = append(out, tenant{orgID: o.ID, login: u.Email, password: password})
	}
	return out, nil
}

// client is one simulated user: it signs in (JWT), half the clients then
// switch to an API key, and loops over mixed reads and writes.
type client struct {
	base   string
	t      tenant
	n      int
	token  string
	hasKey bool // signed in with an API key, which cannot mint keys
	stats  *stats
	seq    int
}

func newClient(base string, t tenant, n int, s *stats) (*client, error) {
	c := &client{base: base, t: t, n: n, stats: s}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st, err := c.call("POST", "/api/v1/auth/login", map[string]string{"email_or_username": t.login, "password": t.password}, &tok); err != nil || st != 200 {
		return nil, fmt.Errorf("client %d login: %d %v", n, st, err)
	}
	c.token = tok.AccessToken
	if n%2 == 1 {
		var key struct {
			Key string `json:"key"`
		}
		if st, err := c.call("POST", "/api/v1/api-keys", map[string]string{"name": fmt.Sprintf("client-%d", n)}, &key); err != nil || st != 201 {
			return nil, fmt.Errorf("client %d key: %d %v", n, st, err)
		}
		c.token, c.hasKey = key.Key, true
	}
	return c, nil
}

func (c *client) loop(deadline time.Time) {
	for time.Now().Before(deadline) {
		c.seq++
		switch r := rand.IntN(100); {
		case r < 15:
			email := fmt.Sprintf("c%d-%d@org-%s.load.test", c.n, c.seq, c.t.orgID[len(c.t.orgID)-6:])
			if st := c.do("invite", true, "POST", "/api/v1/organizations/me/users", map[string]string{"email": email}); st == 201 {
				c.stats.mu.Lock()
				c.stats.invited[c.t.orgID] = append(c.stats.invited[c.t.orgID], email)
				c.stats.mu.Unlock()
			}
		case r < 30:
			c.do("settings.put", true, "PUT", "/api/v1/organizations/me/settings",
				map[string]any{"settings": map[string]any{fmt.Sprintf("client_%d", c.n): c.seq}})
		case r < 35 && c.hasKey:
			c.do("api_keys.list", false, "GET", "/api/v1/api-keys?limit=50", nil)
		case r < 35:
			c.do("api_key.create", true, "POST", "/api/v1/api-keys", map[string]string{"name": fmt.Sprintf("k-%d-%d", c.n, c.seq)})
		case r < 60:
			c.do("members.list", false, "GET", "/api/v1/organizations/me/users?limit=50", nil)
		case r < 75:
			c.do("audit.list", false, "GET", "/api/v1/audit-logs?limit=50", nil)
		case r < 90:
			c.do("settings.get", false, "GET", "/api/v1/organizations/me/settings", nil)
		default:
			c.do("api_keys.list", false, "GET", "/api/v1/api-keys?limit=50", nil)
		}
	}
}

func (c *client) do(op string, mutation bool, method, path string, body any) int {
	start := time.Now()
	st, err := c.call(method, path, body, nil)
	if err != nil {
		st = 599 // transport error counts as a server failure
	}
	c.stats.record(op, st, time.Since(start), c.t.orgID, mutation)
	return st
}

func (c *client) call(method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil {
		err = json.NewDecoder(resp.Body).Decode(out)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode, err
}
