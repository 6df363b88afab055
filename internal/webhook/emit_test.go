package webhook_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/webhook"
)

// recorder is an Inserter that records what would be queued.
type recorder struct{ args []webhook.DeliverArgs }

func (r *recorder) InsertTx(_ context.Context, tx *sql.Tx, args river.JobArgs, _ *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	if tx == nil {
		return nil, errors.New("no transaction")
	}
	r.args = append(r.args, args.(webhook.DeliverArgs))
	return &rivertype.JobInsertResult{}, nil
}

func TestEmitQueuesForSubscribedActiveEndpoints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := context.Background()
		off := false
		mk := func(events []string, active *bool) string {
			ep, _, err := e.svc.Create(ctx, e.admin, webhook.CreateInput{URL: "https://example.com/h", Events: events, IsActive: active})
			if err != nil {
				t.Fatal(err)
			}
			return ep.ID
		}
		want := mk([]string{webhook.EventJobCompleted, webhook.EventJobFailed}, nil)
		mk([]string{webhook.EventJobCompleted}, &off)  // inactive
		mk([]string{webhook.EventBatchCompleted}, nil) // not subscribed
		rec := &recorder{}
		ictx := webhook.WithInserter(ctx, rec)
		err := d.InTx(ctx, func(q db.Querier) error {
			if err := webhook.Emit(ictx, q, "org-a", webhook.EventJobCompleted, map[string]any{"job_id": "j1"}); err != nil {
				return err
			}
			// Another organization's event reaches none of org-a's endpoints.
			return webhook.Emit(ictx, q, "org-b", webhook.EventJobCompleted, map[string]any{"job_id": "j2"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.args) != 1 || rec.args[0].OrgID != "org-a" {
			t.Fatalf("queued %+v, want one delivery for org-a", rec.args)
		}
		list, _, _ := e.svc.Deliveries(ctx, e.admin, want, webhook.DeliveryFilter{Limit: 10})
		if len(list) != 1 || list[0].ID != rec.args[0].DeliveryID || list[0].Status != webhook.StatusPending {
			t.Errorf("log %+v", list)
		}
		// A rolled-back change leaves no delivery.
		_ = d.InTx(ctx, func(q db.Querier) error {
			_ = webhook.Emit(ictx, q, "org-a", webhook.EventJobFailed, nil)
			return errors.New("change failed")
		})
		if _, total, _ := e.svc.Deliveries(ctx, e.admin, want, webhook.DeliveryFilter{Limit: 10}); total != 1 {
			t.Errorf("a rolled-back Emit left %d deliveries, want 1", total)
		}
		if err := webhook.Emit(ictx, d, "org-a", webhook.EventJobCompleted, nil); err == nil {
			t.Error("Emit outside a transaction succeeded")
		}
		err = d.InTx(ctx, func(q db.Querier) error { return webhook.Emit(ctx, q, "org-a", webhook.EventJobCompleted, nil) })
		if !errors.Is(err, webhook.ErrNoQueue) {
			t.Errorf("Emit with no queue = %v, want ErrNoQueue", err)
		}
	})
}
