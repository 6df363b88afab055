package webhook

import (
	"context"
	"time"

	"github.com/curatore/curatore/internal/db"
)

// QueueDelivery writes a pending delivery row, as Emit does, without
// queueing its job (the tests call Deliver themselves).
func QueueDelivery(ctx context.Context, q db.Querier, orgID, webhookID, event string, data any) (string, error) {
	d, err := newDelivery(orgID, webhookID, event, data, time.Now().UTC())
	if err != nil {
		return "", err
	}
	return d.ID, insertDelivery(ctx, q, d)
}
