package webhook_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/webhook"
)

// Without WEBHOOK_ALLOW_PRIVATE, a literal private URL is refused at
// registration, and a name that resolves to loopback is refused when the
// connection is dialled: the receiver never sees a request.
func TestPrivateDestinationsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, false)
		ctx := context.Background()
		for _, u := range []string{"http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://[::1]/x", "http://localhost:8080/x",
			"http://169.254.169.254/latest/meta-data", "http://192.168.0.10/", "http://0.0.0.0/"} {
			_, _, err := e.svc.Create(ctx, e.admin, webhook.CreateInput{URL: u, Events: []string{webhook.EventJobCompleted}})
			if ae, ok := apperr.As(err); !ok || !errors.Is(err, apperr.Invalid) || ae.Fields[0].Field != "url" {
				t.Errorf("Create(%s) = %v, want a url field error", u, err)
			}
		}
		// The dialer is the real guard: an endpoint registered while private
		// addresses were allowed (or a name resolving to loopback) is refused
		// when the connection is made, and the receiver never sees a request.
		rcv := newReceiver(t)
		open := newService(e, true)
		for _, host := range []string{rcv.URL, strings.Replace(rcv.URL, "127.0.0.1", "localhost", 1)} {
			ep, _, err := open.Create(ctx, e.admin, webhook.CreateInput{URL: host, Events: []string{webhook.EventJobCompleted}})
			if err != nil {
				t.Fatal(err)
			}
			dl, err := e.svc.Ping(ctx, e.admin, ep.ID)
			if err != nil {
				t.Fatal(err)
			}
			if dl.Status != webhook.StatusFailed || dl.Error == nil || !strings.Contains(*dl.Error, "loopback") || dl.ResponseStatus != nil {
				t.Errorf("delivery to %s = status %s, error %q", host, dl.Status, deref(dl.Error))
			}
			id := emitOne(t, e, ep.ID)
			if err := e.svc.Deliver(ctx, "org-a", id, 1); !errors.Is(err, webhook.ErrAttemptFailed) {
				t.Errorf("queued delivery to %s = %v, want a failed attempt", host, err)
			}
		}
		if n := len(rcv.requests()); n != 0 {
			t.Errorf("receiver got %d requests through the guard", n)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestValidationAndTenancy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := context.Background()
		bad := []webhook.CreateInput{
			{URL: "", Events: []string{webhook.EventJobCompleted}},
			{URL: "ftp://example.com/x", Events: []string{webhook.EventJobCompleted}},
			{URL: "https://user:pw@example.com/x", Events: []string{webhook.EventJobCompleted}},
			{URL: "https://example.com/x", Events: nil},
			{URL: "https://example.com/x", Events: []string{"job.exploded"}},
			{URL: "https://example.com/x", Events: []string{webhook.EventPing}},
			{URL: "https://example.com/x", Events: []string{webhook.EventJobCompleted}, Description: strings.Repeat("d", 501)},
		}
		for _, in := range bad {
			if _, _, err := e.svc.Create(ctx, e.admin, in); !errors.Is(err, apperr.Invalid) {
				t.Errorf("Create(%+v) = %v, want Invalid", in, err)
			}
		}
		ep, _, err := e.svc.Create(ctx, e.admin, webhook.CreateInput{URL: "https://example.com/x", Events: []string{webhook.EventSourceSynced}})
		if err != nil {
			t.Fatal(err)
		}
		other := auth.Scope{OrgID: "org-b", Role: auth.RoleAdmin}
		if _, err := e.svc.Get(ctx, other, ep.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another org's Get = %v, want NotFound", err)
		}
		if err := e.svc.Delete(ctx, other, ep.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another org's Delete = %v, want NotFound", err)
		}
		if _, err := e.svc.Ping(ctx, other, ep.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another org's Ping = %v, want NotFound", err)
		}
		member := auth.Scope{OrgID: "org-a", Role: auth.RoleMember}
		if _, err := e.svc.List(ctx, member); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("member List = %v, want Forbidden", err)
		}
		if list, _ := e.svc.List(ctx, other); len(list) != 0 {
			t.Errorf("another org lists %v", list)
		}
	})
}
