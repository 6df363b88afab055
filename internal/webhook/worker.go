package webhook

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// Queue is the River queue deliveries run in, apart from document
// processing so that a slow receiver never holds up a conversion.
const Queue = "webhooks"

// DeliverArgs are a delivery job's arguments.
type DeliverArgs struct {
	OrgID      string `json:"org_id"`
	DeliveryID string `json:"delivery_id"`
}

// Kind names the River job kind.
func (DeliverArgs) Kind() string { return "curatore.webhook_delivery" }

// InsertOpts puts deliveries in their queue with their attempt budget.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: MaxAttempts}
}

// Worker sends deliveries: each run is one attempt.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]
	Service *Service
}

// Work makes the attempt; an error makes River retry at NextRetry.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.Service.Deliver(ctx, job.Args.OrgID, job.Args.DeliveryID, job.Attempt)
}

// NextRetry follows RetryDelays: about a day in all.
func (w *Worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(RetryDelay(job.Attempt))
}

// Timeout bounds one run: the POST's own limit plus bookkeeping.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return attemptTimeout + 15*time.Second
}
