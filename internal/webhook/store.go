package webhook

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

const endpointColumns = `id, org_id, url, description, events, is_active, COALESCE(created_by, ''), created_at, updated_at`

func scanEndpoint(row db.Scanner) (Endpoint, error) {
	var e Endpoint
	var events db.JSON[[]string]
	err := row.Scan(&e.ID, &e.OrgID, &e.URL, &e.Description, &events, &e.IsActive, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Endpoint{}, apperr.NotFoundf("webhook")
	}
	e.Events = events.V
	if e.Events == nil {
		e.Events = []string{}
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// sealed is an endpoint's signing secret as stored.
type sealed struct {
	KeyID, Sealed string
}

func insertEndpoint(ctx context.Context, q db.Querier, e Endpoint, s sealed) error {
	_, err := q.Exec(ctx, `INSERT INTO webhooks (id, org_id, url, description, events, is_active, secret_key_id,
		secret_sealed, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.OrgID, e.URL, e.Description, db.JSON[[]string]{V: e.Events}, e.IsActive, s.KeyID, s.Sealed,
		db.NullString(e.CreatedBy), e.CreatedAt, e.UpdatedAt)
	return err
}

func updateEndpoint(ctx context.Context, q db.Querier, e Endpoint) error {
	_, err := q.Exec(ctx, `UPDATE webhooks SET url = ?, description = ?, events = ?, is_active = ?, updated_at = ?
		WHERE org_id = ? AND id = ?`,
		e.URL, e.Description, db.JSON[[]string]{V: e.Events}, e.IsActive, e.UpdatedAt, e.OrgID, e.ID)
	return err
}

func updateSecret(ctx context.Context, q db.Querier, orgID, id string, s sealed, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE webhooks SET secret_key_id = ?, secret_sealed = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		s.KeyID, s.Sealed, now, orgID, id)
	return err
}

func getEndpoint(ctx context.Context, q db.Querier, orgID, id string) (Endpoint, error) {
	return scanEndpoint(q.QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhooks WHERE org_id = ? AND id = ?`, orgID, id))
}

func getSecret(ctx context.Context, q db.Querier, orgID, id string) (sealed, error) {
	var s sealed
	err := q.QueryRow(ctx, `SELECT secret_key_id, secret_sealed FROM webhooks WHERE org_id = ? AND id = ?`, orgID, id).
		Scan(&s.KeyID, &s.Sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return sealed{}, apperr.NotFoundf("webhook")
	}
	return s, err
}

func listEndpoints(ctx context.Context, q db.Querier, orgID string, activeOnly bool) ([]Endpoint, error) {
	where := `org_id = ?`
	if activeOnly {
		where += ` AND is_active = ?`
	}
	args := []any{orgID}
	if activeOnly {
		args = append(args, true)
	}
	rows, err := q.Query(ctx, `SELECT `+endpointColumns+` FROM webhooks WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanEndpoint)
}

func deleteEndpoint(ctx context.Context, q db.Querier, orgID, id string) error {
	_, err := q.Exec(ctx, `DELETE FROM webhooks WHERE org_id = ? AND id = ?`, orgID, id)
	return err
}

const deliveryColumns = `id, org_id, webhook_id, event, payload, status, attempts, response_status, response_body,
	error, duration_ms, created_at, last_attempt_at, next_attempt_at, delivered_at`

func scanDelivery(row db.Scanner) (Delivery, error) {
	var d Delivery
	var payload string
	var status, duration sql.NullInt64
	var body, msg sql.NullString
	err := row.Scan(&d.ID, &d.OrgID, &d.WebhookID, &d.Event, &payload, &d.Status, &d.Attempts, &status, &body,
		&msg, &duration, &d.CreatedAt, db.NullTime{T: &d.LastAttemptAt}, db.NullTime{T: &d.NextAttemptAt},
		db.NullTime{T: &d.DeliveredAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, apperr.NotFoundf("delivery")
	}
	d.Payload = []byte(payload)
	if status.Valid {
		v := int(status.Int64)
		d.ResponseStatus = &v
	}
	if duration.Valid {
		d.DurationMS = &duration.Int64
	}
	if body.Valid {
		d.ResponseBody = &body.String
	}
	if msg.Valid {
		d.Error = &msg.String
	}
	d.CreatedAt = d.CreatedAt.UTC()
	return d, err
}

func insertDelivery(ctx context.Context, q db.Querier, d Delivery) error {
	_, err := q.Exec(ctx, `INSERT INTO webhook_deliveries (id, org_id, webhook_id, event, payload, status, attempts, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?)`, d.ID, d.OrgID, d.WebhookID, d.Event, string(d.Payload), d.Status, d.CreatedAt)
	return err
}

func getDelivery(ctx context.Context, q db.Querier, orgID, id string) (Delivery, error) {
	return scanDelivery(q.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE org_id = ? AND id = ?`, orgID, id))
}

// recordAttempt stores the outcome of one attempt on its delivery.
func recordAttempt(ctx context.Context, q db.Querier, d Delivery) error {
	_, err := q.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, response_status = ?, response_body = ?,
		error = ?, duration_ms = ?, last_attempt_at = ?, next_attempt_at = ?, delivered_at = ? WHERE org_id = ? AND id = ?`,
		d.Status, d.Attempts, d.ResponseStatus, d.ResponseBody, d.Error, d.DurationMS, d.LastAttemptAt, d.NextAttemptAt,
		d.DeliveredAt, d.OrgID, d.ID)
	return err
}

// DeliveryFilter narrows a delivery log.
type DeliveryFilter struct {
	Status      string // "" = any
	Skip, Limit int
}

func listDeliveries(ctx context.Context, q db.Querier, orgID, webhookID string, f DeliveryFilter) ([]Delivery, int, error) {
	where, args := `org_id = ? AND webhook_id = ?`, []any{orgID, webhookID}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, f.Status)
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := db.Collect(rows, scanDelivery)
	return out, total, err
}

// DeliveryRetention is how long finished deliveries stay in the log.
const DeliveryRetention = 30 * 24 * time.Hour

// Prune deletes finished deliveries (succeeded or failed) created before
// now minus DeliveryRetention, and returns how many it deleted. Pending
// and retrying ones stay whatever their age.
func Prune(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.Exec(ctx, `DELETE FROM webhook_deliveries WHERE status IN (?, ?) AND created_at < ?`,
		StatusSucceeded, StatusFailed, now.Add(-DeliveryRetention))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
