package webhook_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/netguard"
	"github.com/curatore/curatore/internal/secret"
	"github.com/curatore/curatore/internal/webhook"
)

// receiver is a webhook endpoint on loopback that verifies every request
// with the secret it is given, as a customer's server would.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	statuses []int // answers to give, in order; then 200
	got      []received
}

type received struct {
	body      webhook.Body
	raw       []byte
	header    http.Header
	verifyErr error
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	raw, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	got := received{raw: raw, header: req.Header.Clone()}
	got.verifyErr = webhook.Verify(r.secret, req.Header.Get(webhook.SignatureHeader), raw, 5*time.Minute, time.Now())
	_ = json.Unmarshal(raw, &got.body)
	r.got = append(r.got, got)
	status := http.StatusOK
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"ok":` + map[bool]string{true: "true", false: "false"}[status < 300] + `}`))
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = s
}

// answer sets the statuses of the next requests.
func (r *receiver) answer(statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statuses = statuses
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// env is a database with one organization and a webhook service on it.
type env struct {
	d     *db.DB
	svc   *webhook.Service
	admin auth.Scope
}

func newEnv(t *testing.T, d *db.DB, allowPrivate bool) env {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	for _, org := range []string{"org-a", "org-b"} {
		if _, err := d.Exec(ctx, `INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, org, org, org, org, now, now); err != nil {
			t.Fatal(err)
		}
	}
	key := make([]byte, secret.KeySize)
	rand.Read(key)
	ring, err := secret.New(key)
	if err != nil {
		t.Fatal(err)
	}
	e := env{d: d, admin: auth.Scope{OrgID: "org-a", Role: auth.RoleAdmin}}
	e.svc = &webhook.Service{DB: d, Sealer: ring}
	e.svc = newService(e, allowPrivate)
	return e
}

// newService is e's service (same database and keyring) under a policy.
func newService(e env, allowPrivate bool) *webhook.Service {
	policy := netguard.Policy{AllowPrivate: allowPrivate}
	return &webhook.Service{DB: e.d, Sealer: e.svc.Sealer, Client: webhook.NewClient(policy), CheckAddr: policy.Check}
}

func TestPingIsSignedAndLogged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		rcv := newReceiver(t)
		ep, sec, err := e.svc.Create(context.Background(), e.admin, webhook.CreateInput{URL: rcv.URL + "/hook?x=1",
			Events: []string{webhook.EventJobCompleted, webhook.EventJobCompleted, webhook.EventBatchCompleted}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sec, "whsec_") || len(ep.Events) != 2 {
			t.Fatalf("created %+v with secret %q", ep, sec)
		}
		rcv.setSecret(sec)
		dl, err := e.svc.Ping(context.Background(), e.admin, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := rcv.requests()
		if len(got) != 1 || got[0].verifyErr != nil {
			t.Fatalf("receiver got %d requests, verify error %v", len(got), got)
		}
		if got[0].body.Event != webhook.EventPing || got[0].body.ID != dl.ID || got[0].body.OrganizationID != "org-a" ||
			got[0].header.Get("Curatore-Delivery") != dl.ID || got[0].header.Get("Content-Type") != "application/json" {
			t.Errorf("request = %+v %v", got[0].body, got[0].header)
		}
		if dl.Status != webhook.StatusSucceeded || dl.Attempts != 1 || dl.ResponseStatus == nil || *dl.ResponseStatus != 200 ||
			dl.DeliveredAt == nil || string(dl.Payload) != string(got[0].raw) {
			t.Errorf("delivery = %+v", dl)
		}
		// A wrong secret does not verify: the receiver's check can fail.
		if err := webhook.Verify("whsec_wrong", got[0].header.Get(webhook.SignatureHeader), got[0].raw, time.Minute, time.Now()); err == nil {
			t.Error("a wrong secret verified")
		}
	})
}

func TestDeliverRetriesAfter500(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		rcv := newReceiver(t, http.StatusInternalServerError)
		ep, sec, err := e.svc.Create(context.Background(), e.admin, webhook.CreateInput{URL: rcv.URL, Events: []string{webhook.EventJobFailed}})
		if err != nil {
			t.Fatal(err)
		}
		rcv.setSecret(sec)
		dl, err := e.svc.Ping(context.Background(), e.admin, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dl.Status != webhook.StatusFailed || *dl.ResponseStatus != 500 || dl.Error == nil || dl.NextAttemptAt != nil {
			t.Fatalf("ping answered 500: %+v", dl)
		}
		// A queued delivery: attempt 1 gets the 500 and is scheduled again.
		rcv.answer(500)
		id := emitOne(t, e, ep.ID)
		err = e.svc.Deliver(context.Background(), "org-a", id, 1)
		if !errors.Is(err, webhook.ErrAttemptFailed) {
			t.Fatalf("attempt 1 = %v, want ErrAttemptFailed", err)
		}
		dl = delivery(t, e, ep.ID, id)
		if dl.Status != webhook.StatusRetrying || dl.Attempts != 1 || dl.NextAttemptAt == nil ||
			dl.NextAttemptAt.Sub(*dl.LastAttemptAt) != webhook.RetryDelay(1) {
			t.Fatalf("after a 500: %+v", dl)
		}
		if err := e.svc.Deliver(context.Background(), "org-a", id, 2); err != nil {
			t.Fatalf("attempt 2: %v", err)
		}
		dl = delivery(t, e, ep.ID, id)
		if dl.Status != webhook.StatusSucceeded || dl.Attempts != 2 || dl.Error != nil {
			t.Fatalf("after the retry: %+v", dl)
		}
		got := rcv.requests()
		if len(got) != 3 || string(got[1].raw) != string(got[2].raw) || got[2].verifyErr != nil {
			t.Errorf("the retry must send the same body, signed: %d requests", len(got))
		}
	})
}

func TestRetryScheduleSpansADay(t *testing.T) {
	var total time.Duration
	for n := 1; n < webhook.MaxAttempts; n++ {
		total += webhook.RetryDelay(n)
	}
	if total < 23*time.Hour || total > 25*time.Hour {
		t.Errorf("retries span %v, want about a day", total)
	}
}

// delivery finds one delivery in an endpoint's log.
func delivery(t *testing.T, e env, webhookID, id string) webhook.Delivery {
	t.Helper()
	list, _, err := e.svc.Deliveries(context.Background(), e.admin, webhookID, webhook.DeliveryFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("delivery %s not in the log", id)
	return webhook.Delivery{}
}

// emitOne queues a job.completed delivery to an endpoint.
func emitOne(t *testing.T, e env, webhookID string) string {
	t.Helper()
	id, err := webhook.QueueDelivery(context.Background(), e.d, "org-a", webhookID, webhook.EventJobCompleted, map[string]any{"job_id": "j1"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPruneKeepsRecentAndUnfinished(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := context.Background()
		ep, _, err := e.svc.Create(ctx, e.admin, webhook.CreateInput{URL: "https://example.com/x", Events: []string{webhook.EventJobCompleted}})
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().UTC().Add(-webhook.DeliveryRetention - time.Hour)
		for i, status := range []string{webhook.StatusSucceeded, webhook.StatusFailed, webhook.StatusRetrying} {
			id := emitOne(t, e, ep.ID)
			if _, err := d.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, created_at = ? WHERE id = ?`, status, old, id); err != nil {
				t.Fatal(err, i)
			}
		}
		emitOne(t, e, ep.ID) // recent and pending
		n, err := webhook.Prune(ctx, d, time.Now().UTC())
		if err != nil || n != 2 {
			t.Fatalf("Prune = %d, %v; want the two old finished deliveries", n, err)
		}
		if _, total, _ := e.svc.Deliveries(ctx, e.admin, ep.ID, webhook.DeliveryFilter{Limit: 10}); total != 2 {
			t.Errorf("%d deliveries left, want 2", total)
		}
	})
}
