package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// RetryDelays are the waits after each failed attempt: 12 attempts over
// about 24 hours, so a receiver that is down for a day still gets the
// event.
var RetryDelays = []time.Duration{
	10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 8 * time.Hour,
}

// MaxAttempts is how often a delivery is tried before it is failed.
var MaxAttempts = len(RetryDelays) + 1

// RetryDelay is the wait after failed attempt n (1-based).
func RetryDelay(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > len(RetryDelays) {
		return RetryDelays[len(RetryDelays)-1]
	}
	return RetryDelays[n-1]
}

// attemptTimeout bounds one POST, from dial to the last byte read.
const attemptTimeout = 15 * time.Second

// ErrAttemptFailed is wrapped by the error of a failed attempt, which the
// job system retries.
var ErrAttemptFailed = errors.New("webhook: delivery attempt failed")

// newDelivery builds the delivery row and the exact body for an event.
func newDelivery(orgID, webhookID, event string, data any, now time.Time) (Delivery, error) {
	d := Delivery{ID: db.NewID(), OrgID: orgID, WebhookID: webhookID, Event: event, Status: StatusPending, CreatedAt: now}
	body, err := json.Marshal(Body{ID: d.ID, Event: event, CreatedAt: now, OrganizationID: orgID, Data: data})
	if err != nil {
		return Delivery{}, fmt.Errorf("webhook: payload of %s: %w", event, err)
	}
	d.Payload = body
	return d, nil
}

// Deliver makes attempt number attempt (1-based) of a queued delivery and
// records its outcome. It returns an error wrapping ErrAttemptFailed when
// the receiver did not answer 2xx, so the job is retried; a delivery whose
// endpoint was deleted or disabled ends without error.
func (s *Service) Deliver(ctx context.Context, orgID, deliveryID string, attempt int) error {
	d, err := getDelivery(ctx, s.DB, orgID, deliveryID)
	if err != nil {
		return ignoreNotFound(err) // endpoint deleted: its log went with it
	}
	if d.Status == StatusSucceeded {
		return nil // a run repeated after a crash: already delivered
	}
	e, err := getEndpoint(ctx, s.DB, orgID, d.WebhookID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if !e.IsActive {
		msg := "endpoint disabled before delivery"
		d.Status, d.Error = StatusFailed, &msg
		return recordAttempt(ctx, s.DB, d)
	}
	return s.send(ctx, e, d, attempt, attempt >= MaxAttempts)
}

// send POSTs d to e once, records the attempt, and returns an error when
// it failed.
func (s *Service) send(ctx context.Context, e Endpoint, d Delivery, attempt int, final bool) error {
	secret, err := s.secret(ctx, s.DB, e.OrgID, e.ID)
	if err != nil {
		return err
	}
	status, body, dur, sendErr := s.post(ctx, e.URL, d, secret)
	now := s.now()
	d.Attempts, d.LastAttemptAt, d.DurationMS = attempt, &now, &dur
	d.ResponseStatus, d.ResponseBody, d.Error, d.NextAttemptAt = nil, nil, nil, nil
	if status != 0 {
		d.ResponseStatus, d.ResponseBody = &status, &body
	}
	switch {
	case sendErr == nil && status >= 200 && status < 300:
		d.Status, d.DeliveredAt = StatusSucceeded, &now
	default:
		msg := fmt.Sprintf("receiver answered %d", status)
		if sendErr != nil {
			msg = sendErr.Error()
		}
		d.Error, d.Status = &msg, StatusFailed
		if !final {
			next := now.Add(RetryDelay(attempt))
			d.Status, d.NextAttemptAt = StatusRetrying, &next
		}
	}
	if err := recordAttempt(context.WithoutCancel(ctx), s.DB, d); err != nil {
		return err
	}
	if d.Status != StatusSucceeded {
		return fmt.Errorf("%w: %s", ErrAttemptFailed, *d.Error)
	}
	return nil
}

// post sends the signed body and returns the status, the start of the
// response body, and the duration in milliseconds.
func (s *Service) post(ctx context.Context, target string, d Delivery, secret string) (int, string, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Curatore-Webhooks/1")
	req.Header.Set("Curatore-Event", d.Event)
	req.Header.Set("Curatore-Delivery", d.ID)
	req.Header.Set(SignatureHeader, Sign(secret, s.now(), d.Payload))
	start := time.Now()
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, "", time.Since(start).Milliseconds(), err
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxStoredResponseBytes))
	return resp.StatusCode, printable(head), time.Since(start).Milliseconds(), nil
}

// printable keeps a response excerpt valid UTF-8 for the log.
func printable(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
}

// Ping sends a "ping" event to an endpoint now, once (no retries), and
// returns the delivery as logged: the "test" button of the UI.
func (s *Service) Ping(ctx context.Context, sc auth.Scope, id string) (Delivery, error) {
	if err := requireAdmin(sc); err != nil {
		return Delivery{}, err
	}
	var d Delivery
	var e Endpoint
	ent := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "webhook.ping", EntityType: "webhook", EntityID: id}
	err := audit.Do(ctx, s.DB, ent, func(q db.Querier, ent *audit.Entry) error {
		var err error
		if e, err = getEndpoint(ctx, q, sc.OrgID, id); err != nil {
			return err
		}
		data := map[string]any{"webhook_id": e.ID, "message": "ping from Curatore"}
		if d, err = newDelivery(sc.OrgID, e.ID, EventPing, data, s.now()); err != nil {
			return err
		}
		ent.Details = map[string]any{"delivery_id": d.ID}
		return insertDelivery(ctx, q, d)
	})
	if err != nil {
		return Delivery{}, err
	}
	if err := s.send(ctx, e, d, 1, true); err != nil && !errors.Is(err, ErrAttemptFailed) {
		return Delivery{}, err
	}
	return getDelivery(ctx, s.DB, sc.OrgID, d.ID)
}
