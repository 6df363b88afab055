package webhook

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/curatore/curatore/internal/db"
)

// Inserter puts a River job in a transaction: the application's
// *river.Client[*sql.Tx] is one.
type Inserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

type inserterKey struct{}

// WithInserter returns ctx carrying the queue Emit inserts into, for code
// that emits events outside a River worker (inside a worker, Emit finds
// the worker's own client).
func WithInserter(ctx context.Context, ins Inserter) context.Context {
	return context.WithValue(ctx, inserterKey{}, ins)
}

// ErrNoQueue is returned by Emit when it finds no queue to insert into.
var ErrNoQueue = errors.New("webhook: Emit needs a River worker's context or WithInserter")

// inserter finds the queue: one set with WithInserter, else the River
// client of the worker whose context this is.
func inserter(ctx context.Context) (Inserter, error) {
	if ins, ok := ctx.Value(inserterKey{}).(Inserter); ok && ins != nil {
		return ins, nil
	}
	if c, err := river.ClientFromContextSafely[*sql.Tx](ctx); err == nil {
		return c, nil
	}
	return nil, ErrNoQueue
}

// Emit records event for every active endpoint of the organization that
// subscribes to it, and queues their deliveries, in the transaction behind
// q (the caller's, from db.InTx): the event is sent if and only if the
// caller's change commits. payload becomes the body's "data" and must
// hold no secrets. An organization with no subscribed endpoint costs one
// indexed query.
func Emit(ctx context.Context, q db.Querier, orgID, event string, payload any) error {
	endpoints, err := listEndpoints(ctx, q, orgID, true)
	if err != nil {
		return err
	}
	var targets []Endpoint
	for _, e := range endpoints {
		if e.Subscribed(event) {
			targets = append(targets, e)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	tx, ok := db.TxOf(q)
	if !ok {
		return errors.New("webhook: Emit outside a transaction")
	}
	ins, err := inserter(ctx)
	if err != nil {
		return err
	}
	now := db.Now()
	for _, e := range targets {
		d, err := newDelivery(orgID, e.ID, event, payload, now)
		if err != nil {
			return err
		}
		if err := insertDelivery(ctx, q, d); err != nil {
			return err
		}
		if _, err := ins.InsertTx(ctx, tx, DeliverArgs{OrgID: orgID, DeliveryID: d.ID}, nil); err != nil {
			return fmt.Errorf("webhook: queue delivery: %w", err)
		}
	}
	return nil
}
