package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// Sealer encrypts signing secrets at rest (the server's secret keyring,
// the same one that seals connection secrets).
type Sealer interface {
	Seal(plaintext, aad []byte) (keyID, sealed string, err error)
	Open(keyID, sealed string, aad []byte) ([]byte, error)
}

// Service manages an organization's endpoints and sends deliveries.
type Service struct {
	DB     *db.DB
	Sealer Sealer
	// Client sends deliveries. It must refuse the server's own network at
	// dial time (netguard), unless private destinations are allowed.
	Client *http.Client
	// CheckAddr rejects, at registration, a URL whose host is a literal
	// address the dialer would refuse (nil: no early check).
	CheckAddr func(netip.Addr) error
	// Now returns the current time (tests fix it); nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// CreateInput describes a new endpoint.
type CreateInput struct {
	URL         string
	Description string
	Events      []string
	IsActive    *bool // default true
}

// UpdateInput changes the fields that are set.
type UpdateInput struct {
	URL         *string
	Description *string
	Events      *[]string
	IsActive    *bool
}

// requireAdmin stops anyone but an org admin, whatever the route said.
func requireAdmin(sc auth.Scope) error {
	if !sc.IsAdmin() {
		return apperr.New(apperr.Forbidden, "admin_required", "only organization admins manage webhooks")
	}
	return nil
}

// aad binds a sealed secret to its organization and endpoint, so a sealed
// value copied into another row does not open.
func aad(orgID, id string) []byte { return []byte("webhook:" + orgID + ":" + id) }

// newSecret returns a fresh signing secret.
func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// Create registers an endpoint and returns it with its signing secret,
// which is shown this once.
func (s *Service) Create(ctx context.Context, sc auth.Scope, in CreateInput) (Endpoint, string, error) {
	if err := requireAdmin(sc); err != nil {
		return Endpoint{}, "", err
	}
	now := s.now()
	e := Endpoint{ID: db.NewID(), OrgID: sc.OrgID, Description: strings.TrimSpace(in.Description), IsActive: true,
		CreatedBy: sc.UserID, CreatedAt: now, UpdatedAt: now}
	if in.IsActive != nil {
		e.IsActive = *in.IsActive
	}
	var f apperr.Fields
	e.URL = s.checkURL(&f, in.URL)
	e.Events = checkEvents(&f, in.Events)
	if len(e.Description) > maxDescriptionLength {
		f.Add("description", "must be at most 500 characters")
	}
	if err := f.Err(); err != nil {
		return Endpoint{}, "", err
	}
	secret := newSecret()
	keyID, sealedSecret, err := s.Sealer.Seal([]byte(secret), aad(e.OrgID, e.ID))
	if err != nil {
		return Endpoint{}, "", err
	}
	ent := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "webhook.create", EntityType: "webhook", EntityID: e.ID,
		Details: map[string]any{"url": redactURL(e.URL), "events": e.Events, "is_active": e.IsActive}}
	err = audit.Do(ctx, s.DB, ent, func(q db.Querier, _ *audit.Entry) error {
		return insertEndpoint(ctx, q, e, sealed{KeyID: keyID, Sealed: sealedSecret})
	})
	if err != nil {
		return Endpoint{}, "", err
	}
	return e, secret, nil
}

// checkURL validates an endpoint URL and returns it trimmed.
func (s *Service) checkURL(f *apperr.Fields, raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	switch {
	case raw == "" || len(raw) > maxURLLength:
		f.Add("url", "must be an http or https URL of at most 2048 characters")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "":
		f.Add("url", "must be an absolute http or https URL")
	case u.User != nil:
		f.Add("url", "must not carry credentials; the signature authenticates Curatore to the receiver")
	case u.Fragment != "":
		f.Add("url", "must not have a #fragment")
	default:
		if err := s.checkHost(u.Hostname()); err != nil {
			f.Add("url", err.Error())
		}
	}
	return raw
}

// checkHost refuses, early, a literal address (or localhost) that the
// dialer would refuse anyway.
func (s *Service) checkHost(host string) error {
	if s.CheckAddr == nil {
		return nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		host = "127.0.0.1"
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return nil // a name: checked when dialled, after resolution
	}
	return s.CheckAddr(addr)
}

// checkEvents validates and de-duplicates a subscription list.
func checkEvents(f *apperr.Fields, events []string) []string {
	if len(events) == 0 {
		f.Add("events", "choose at least one of "+strings.Join(Events, ", "))
		return nil
	}
	out := []string{}
	for _, ev := range events {
		if !slices.Contains(Events, ev) {
			f.Add("events", "unknown event "+quote(ev)+"; choose from "+strings.Join(Events, ", "))
			continue
		}
		if !slices.Contains(out, ev) {
			out = append(out, ev)
		}
	}
	return out
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + s + `"`
}

// redactURL drops the query string from a URL for the audit log: receivers
// sometimes put tokens there.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if u.RawQuery != "" {
		u.RawQuery = "redacted"
	}
	return u.String()
}
