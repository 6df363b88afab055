package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
)

// TestWebhookPages: add an endpoint (its secret shown once), ping it and
// read the delivery log; a bad URL is explained; members cannot manage
// webhooks.
func TestWebhookPages(t *testing.T) {
	var got atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer receiver.Close()
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme")
	u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada")
	b := newBrowser(t, env)
	b.signIn(u.Email, u.Password)
	b.get("/webhooks")
	if p := b.post("/webhooks", url.Values{"url": {"not a url"}, "events": {"job.completed"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="wh-url-error"`) {
		t.Errorf("bad URL: %d", p.Status)
	}
	p := b.post("/webhooks", url.Values{"url": {receiver.URL + "/hook"}, "events": {"job.completed", "job.failed"}})
	if p.Status != http.StatusCreated || !strings.Contains(p.Body, `id="wh-secret"`) {
		t.Fatalf("add endpoint: %d", p.Status)
	}
	list := b.get("/webhooks")
	if strings.Contains(list.Body, `id="wh-secret"`) {
		t.Error("the signing secret is shown again")
	}
	id := regexp.MustCompile(`<tr id="wh-([^"]+)">`).FindStringSubmatch(list.Body)
	if id == nil {
		t.Fatal("endpoint not listed")
	}
	if p := b.post("/webhooks/"+id[1]+"/ping", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("ping: %d", p.Status)
	}
	waitFor(t, func() bool { return strings.Contains(b.get("/webhooks?log="+id[1]).Body, ">succeeded<") })
	if got.Load() == 0 {
		t.Error("the receiver got nothing")
	}
	m := env.CreateUser(t, o.ID, auth.RoleMember, "Mo")
	mb := newBrowser(t, env)
	mb.signIn(m.Email, m.Password)
	if p := mb.get("/webhooks"); p.Status != http.StatusForbidden {
		t.Errorf("a member on /webhooks: %d", p.Status)
	}
}
