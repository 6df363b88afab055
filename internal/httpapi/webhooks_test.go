package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/webhook"
)

// hookReceiver is a customer's webhook endpoint on loopback: it verifies
// every request's signature with the secret it was told, and answers 500
// to the next requests of an event set with failNext (else 200).
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	fail   map[string]int // event → 500s still to answer
	got    []hookRequest
}

type hookRequest struct {
	Body     webhook.Body
	Delivery string
	Verified bool
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{fail: map[string]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		req := hookRequest{Delivery: r.Header.Get("Curatore-Delivery")}
		req.Verified = webhook.Verify(h.secret, r.Header.Get(webhook.SignatureHeader), raw, 5*time.Minute, time.Now()) == nil
		_ = json.Unmarshal(raw, &req.Body)
		h.got = append(h.got, req)
		if h.fail[req.Body.Event] > 0 {
			h.fail[req.Body.Event]--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) setSecret(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.secret = s
}

// failNext answers the next n requests of event with 500.
func (h *hookReceiver) failNext(event string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fail[event] = n
}

func (h *hookReceiver) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.got...)
}

// waitEvent waits until the receiver got a verified request for event.
func (h *hookReceiver) waitEvent(t *testing.T, event string) hookRequest {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, r := range h.requests() {
			if r.Body.Event == event && r.Verified {
				return r
			}
		}
	}
	t.Fatalf("no verified %s delivery; got %+v", event, h.requests())
	return hookRequest{}
}

type createdHook struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret"`
}

// createHook registers rcv for events as the admin behind token.
func createHook(t *testing.T, env *testenv.Env, token string, rcv *hookReceiver, events ...string) createdHook {
	t.Helper()
	var h createdHook
	if st := env.DoJSON(t, "POST", "/api/v1/webhooks", token, map[string]any{"url": rcv.URL + "/hook", "events": events}, &h); st != http.StatusCreated {
		t.Fatalf("create webhook: %d %+v", st, h)
	}
	rcv.setSecret(h.Secret)
	return h
}

func TestWebhooksAPI(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Hooks")
		admin := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, "Hook admin"), o.ID)
		member := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleMember, "Hook member"), o.ID)
		rcv := newHookReceiver(t)
		h := createHook(t, env, admin, rcv, "job.completed", "batch.completed")
		if !strings.HasPrefix(h.Secret, "whsec_") || len(h.Events) != 2 {
			t.Fatalf("created %+v", h)
		}
		// The secret is shown once: never in reads, lists or the audit log.
		for _, p := range []string{"/api/v1/webhooks", "/api/v1/webhooks/" + h.ID} {
			if st, body := env.Do(t, "GET", p, admin, nil); st != 200 || strings.Contains(string(body), h.Secret) || strings.Contains(string(body), "secret") {
				t.Errorf("GET %s: %d %s", p, st, body)
			}
		}
		var n int
		if err := env.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_logs WHERE CAST(details AS TEXT) LIKE ?`, "%"+h.Secret[6:20]+"%").Scan(&n); err != nil || n != 0 {
			t.Errorf("secret in %d audit rows (%v)", n, err)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/webhooks", member, nil); st != http.StatusForbidden {
			t.Errorf("member lists webhooks: %d", st)
		}
		var d map[string]any
		if st := env.DoJSON(t, "POST", "/api/v1/webhooks/"+h.ID+"/ping", admin, nil, &d); st != 200 || d["status"] != "succeeded" {
			t.Fatalf("ping: %d %v", st, d)
		}
		if r := rcv.waitEvent(t, "ping"); r.Delivery != d["id"] || r.Body.OrganizationID != o.ID {
			t.Errorf("ping request %+v, delivery %v", r, d["id"])
		}
		// Rotation: the next ping is signed with the new secret only.
		var rot map[string]string
		if st := env.DoJSON(t, "POST", "/api/v1/webhooks/"+h.ID+"/rotate-secret", admin, nil, &rot); st != 200 || rot["secret"] == h.Secret {
			t.Fatalf("rotate: %d %v", st, rot)
		}
		env.DoJSON(t, "POST", "/api/v1/webhooks/"+h.ID+"/ping", admin, nil, nil)
		if got := rcv.requests(); len(got) != 2 || got[1].Verified {
			t.Errorf("a ping after rotation verified with the old secret: %+v", got)
		}
		rcv.setSecret(rot["secret"])
		env.DoJSON(t, "POST", "/api/v1/webhooks/"+h.ID+"/ping", admin, nil, nil)
		if got := rcv.requests(); len(got) != 3 || !got[2].Verified {
			t.Errorf("a ping after rotation does not verify with the new secret: %+v", got)
		}
		var log struct {
			Deliveries []map[string]any `json:"deliveries"`
			Total      int              `json:"total"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/webhooks/"+h.ID+"/deliveries?limit=2", admin, nil, &log); st != 200 || log.Total != 3 || len(log.Deliveries) != 2 {
			t.Errorf("deliveries: %d %+v", st, log)
		}
		var bad map[string]any
		if st := env.DoJSON(t, "PATCH", "/api/v1/webhooks/"+h.ID, admin, map[string]any{"events": []string{"job.exploded"}}, &bad); st != 422 ||
			!strings.Contains(toJSON(bad), `"events"`) {
			t.Errorf("bad events: %d %v", st, bad)
		}
		var upd map[string]any
		if st := env.DoJSON(t, "PATCH", "/api/v1/webhooks/"+h.ID, admin, map[string]any{"is_active": false, "description": "paused"}, &upd); st != 200 ||
			upd["is_active"] != false || upd["description"] != "paused" {
			t.Errorf("patch: %d %v", st, upd)
		}
		if st, _ := env.Do(t, "DELETE", "/api/v1/webhooks/"+h.ID, admin, nil); st != http.StatusNoContent {
			t.Errorf("delete: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/webhooks/"+h.ID+"/deliveries", admin, nil); st != http.StatusNotFound {
			t.Errorf("deliveries of a deleted webhook: %d", st)
		}
	})
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Without WEBHOOK_ALLOW_PRIVATE, loopback and private URLs are refused.
func TestWebhookPrivateURLRefused(t *testing.T) {
	testenv.Each(t, map[string]string{"WEBHOOK_ALLOW_PRIVATE": "false"}, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Guarded")
		admin := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, "Guard admin"), o.ID)
		for _, u := range []string{"http://127.0.0.1:8000/hook", "http://10.0.0.5/hook", "http://169.254.169.254/", "http://localhost/x"} {
			var p map[string]any
			if st := env.DoJSON(t, "POST", "/api/v1/webhooks", admin, map[string]any{"url": u, "events": []string{"job.failed"}}, &p); st != 422 ||
				!strings.Contains(toJSON(p), `"url"`) {
				t.Errorf("%s: %d %v", u, st, p)
			}
		}
	})
}
