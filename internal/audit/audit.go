// Package audit records who changed what. Every mutation in Curatore writes
// its audit row in the same transaction as the change (Do), so a change is
// never stored without its row; a failed change leaves a failure row and no
// partial change.
package audit

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/sanitize"
)

// Status is the outcome recorded in a row.
type Status string

// The outcomes.
const (
	Success Status = "success"
	Failure Status = "failure"
)

// Entry is one audit row. Empty OrgID/UserID/EntityID are stored as NULL.
type Entry struct {
	OrgID      string
	UserID     string
	Action     string // dotted verb, e.g. "user.invite", "api_key.revoke"
	EntityType string
	EntityID   string
	Details    map[string]any // what changed; secrets are replaced by Redacted
	Status     Status
	Error      string
}

// Redacted replaces every secret value in Details.
const Redacted = "***REDACTED***"

// Actor is where a request came from; the HTTP layer puts it in the context.
type Actor struct {
	IP        string
	UserAgent string
	RequestID string
}

type actorKey struct{}

// WithActor returns ctx carrying the request's origin.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the request origin stored in ctx (zero outside requests).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Record writes e with q — pass the transaction of the change it describes.
func Record(ctx context.Context, q db.Querier, e Entry) error {
	_, err := record(ctx, q, e)
	return err
}

// record writes e and returns the new row's id.
func record(ctx context.Context, q db.Querier, e Entry) (string, error) {
	if e.Status == "" {
		e.Status = Success
	}
	a := ActorFrom(ctx)
	id := db.NewID()
	_, err := q.Exec(ctx, `INSERT INTO audit_logs
		(id, org_id, user_id, action, entity_type, entity_id, details, ip_address, user_agent, request_id, status, error_message, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, db.NullString(e.OrgID), db.NullString(e.UserID), e.Action, db.NullString(e.EntityType), db.NullString(e.EntityID),
		db.JSON[map[string]any]{V: clean(Redact(e.Details))}, db.NullString(sanitize.Truncate(a.IP, 64)),
		db.NullString(sanitize.Truncate(a.UserAgent, 512)), db.NullString(sanitize.Truncate(a.RequestID, 128)),
		string(e.Status), db.NullString(sanitize.Truncate(e.Error, 1000)), db.Now())
	return id, err
}

// Do runs change in a transaction and records e in that same transaction.
// change may fill in e (the new entity's id, details). If change fails, the
// transaction rolls back and a failure row is written on its own, so the
// attempt stays on record while nothing of the change is kept.
func Do(ctx context.Context, d *db.DB, e Entry, change func(q db.Querier, e *Entry) error) error {
	err := d.InTx(ctx, func(q db.Querier) error {
		if err := change(q, &e); err != nil {
			return err
		}
		return Record(ctx, q, e)
	})
	if err != nil {
		e.Status, e.Error = Failure, errorText(err)
		ferr := Record(ctx, d, e)
		if errors.Is(ferr, apperr.Invalid) {
			// The rolled-back change may have been creating the organization or
			// user the row points at: keep the row, with those ids as details.
			e.Details = withRefs(e.Details, e.OrgID, e.UserID)
			e.OrgID, e.UserID = "", ""
			ferr = Record(ctx, d, e)
		}
		if ferr != nil {
			slog.ErrorContext(ctx, "audit: failure row not written", "action", e.Action, "err", ferr)
		}
	}
	return err
}

// withRefs returns details plus the ids a row could not reference.
func withRefs(details map[string]any, orgID, userID string) map[string]any {
	out := map[string]any{"org_id": orgID, "user_id": userID}
	for k, v := range details {
		out[k] = v
	}
	return out
}

// RecordNow writes e outside any change (logins, failed logins, …).
func RecordNow(ctx context.Context, d *db.DB, e Entry) {
	if err := Record(ctx, d, e); err != nil {
		slog.ErrorContext(ctx, "audit: row not written", "action", e.Action, "err", err)
	}
}

// secretWords mark keys whose values must never be stored.
var secretWords = []string{"password", "passwd", "passphrase", "secret", "token", "api_key", "apikey", "private",
	"credential", "authorization", "cookie", "signature", "bearer"}

// Redact returns a copy of details with secret values (at any depth)
// replaced by Redacted: values under a secret-looking key (password,
// token, secret, any *_key or *key such as openai_key, …) and values that
// look like a secret whatever their key (a JWT, an API key, a bearer
// token, a private key, a URL with a password).
func Redact(details map[string]any) map[string]any {
	if details == nil {
		return nil
	}
	out := make(map[string]any, len(details))
	for k, v := range details {
		switch {
		case isSecretKey(k):
			out[k] = Redacted
		default:
			out[k] = redactValue(v)
		}
	}
	return out
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return Redact(t)
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = redactValue(x)
		}
		return c
	case string:
		return redactString(t)
	}
	return v
}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	if k == "key" || strings.HasSuffix(k, "_key") || strings.HasSuffix(k, "-key") || strings.HasSuffix(k, "apikey") {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// secretValue matches values that are secrets whatever key they are under.
var secretValue = regexp.MustCompile(`(?i)^(bearer\s+\S+|eyJ[\w-]+\.[\w-]+\.[\w-]*|sk-[\w-]{16,}|[a-z]{2,8}_[0-9a-f]{32,}|xox[abpr]-[\w-]+|gh[pousr]_\w{20,}|AKIA[0-9A-Z]{16})$|-----BEGIN [A-Z ]*PRIVATE KEY-----`)

// urlPassword matches the password of a URL's user info (scheme://user:pass@).
var urlPassword = regexp.MustCompile(`(://[^/:@\s]*:)[^@/\s]+@`)

func redactString(s string) string {
	if secretValue.MatchString(strings.TrimSpace(s)) {
		return Redacted
	}
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		return urlPassword.ReplaceAllString(s, "${1}"+Redacted+"@")
	}
	return s
}

// clean makes every string of details storable on any engine (valid UTF-8,
// no NUL): the HTTP boundary does it already; this is the backstop for
// text from elsewhere.
func clean(details map[string]any) map[string]any {
	if details != nil {
		sanitize.Value(&details)
	}
	return details
}

// errorText keeps the stable part of an error for the row (the code of an
// apperr, else the message).
func errorText(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code + ": " + e.Detail
	}
	return err.Error()
}
