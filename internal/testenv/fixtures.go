package testenv

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/user"
)

// Password is the password of every user made by CreateUser.
const Password = "correct-horse-battery"

var seq atomic.Int64

// CreateOrg makes an active organization named name (slug derived from it).
func (e *Env) CreateOrg(t testing.TB, name string) org.Organization {
	t.Helper()
	o := org.Organization{Name: name, Slug: slug(name), IsActive: true}
	if err := e.DB.InTx(context.Background(), func(q db.Querier) error { return org.Create(context.Background(), q, &o) }); err != nil {
		t.Fatalf("create org %q: %v", name, err)
	}
	return o
}

func slug(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// User is a user made by CreateUser, with the password to sign in.
type User struct {
	user.User
	Password string
}

// CreateUser makes a verified, active user with role in orgID (username
// and email derived from name, made unique). Password is Password.
func (e *Env) CreateUser(t testing.TB, orgID string, role auth.Role, name string) User {
	t.Helper()
	n := seq.Add(1)
	uname := fmt.Sprintf("%s%d", slug(name), n)
	hash, err := auth.HashPassword(Password, e.Config.BcryptRounds)
	if err != nil {
		t.Fatal(err)
	}
	u := user.User{Email: uname + "@example.com", Username: uname, PasswordHash: hash, FullName: name,
		IsActive: true, IsVerified: true}
	ctx := context.Background()
	err = e.DB.InTx(ctx, func(q db.Querier) error {
		if err := user.Create(ctx, q, &u); err != nil {
			return err
		}
		return user.AddMembership(ctx, q, &user.Membership{OrgID: orgID, UserID: u.ID, Role: string(role), IsActive: true})
	})
	if err != nil {
		t.Fatalf("create user %q: %v", name, err)
	}
	return User{User: u, Password: Password}
}

// AddMembership gives an existing user a role in another organization.
func (e *Env) AddMembership(t testing.TB, orgID, userID string, role auth.Role) {
	t.Helper()
	err := user.AddMembership(context.Background(), e.DB, &user.Membership{OrgID: orgID, UserID: userID, Role: string(role), IsActive: true})
	if err != nil {
		t.Fatalf("add membership: %v", err)
	}
}

// Tokens is a signed-in session.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// Login signs in through the API (org may be empty, an id or a slug) and
// fails the test unless it succeeds.
func (e *Env) Login(t testing.TB, login, password, org string) Tokens {
	t.Helper()
	var tok Tokens
	body := map[string]string{"email_or_username": login, "password": password}
	if org != "" {
		body["organization_id"] = org
	}
	if st := e.DoJSON(t, "POST", "/api/v1/auth/login", "", body, &tok); st != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("login %s: status %d", login, st)
	}
	return tok
}

// LoginAs signs u in to orgID and returns the access token.
func (e *Env) LoginAs(t testing.TB, u User, orgID string) string {
	t.Helper()
	return e.Login(t, u.Email, u.Password, orgID).AccessToken
}

// APIKey is a key made by CreateAPIKey.
type APIKey struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Key    string `json:"key"`
	Prefix string `json:"prefix"`
}

// CreateAPIKey makes a key through the API with token's identity.
func (e *Env) CreateAPIKey(t testing.TB, token, name string) APIKey {
	t.Helper()
	var k APIKey
	if st := e.DoJSON(t, "POST", "/api/v1/api-keys", token, map[string]any{"name": name}, &k); st != http.StatusCreated || k.Key == "" {
		t.Fatalf("create API key: status %d", st)
	}
	return k
}
