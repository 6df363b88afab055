package audit

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/db"
)

// Coalescer writes repeated failures cheaply: per action and source IP,
// the first failure of each minute writes a row and later ones in that
// minute only count; the count ("attempts") is written into that row when
// the minute is over (at the next failure from the source, or at Flush).
// An attacker guessing tokens therefore costs one audit write per minute
// and source instead of one per guess, and the log still says how many.
type Coalescer struct {
	mu      sync.Mutex
	db      *db.DB
	max     int
	now     func() time.Time
	buckets map[[32]byte]*burst
}

type burst struct {
	rowID   string
	minute  time.Time
	count   int
	details map[string]any
}

// NewCoalescer returns a Coalescer writing to d that tracks at most max
// sources at a time.
func NewCoalescer(d *db.DB, max int) *Coalescer {
	return &Coalescer{db: d, max: max, now: db.Now, buckets: map[[32]byte]*burst{}}
}

// Failure records a failed attempt described by e (its Status is set to
// Failure), coalesced per action and source IP and minute.
func (c *Coalescer) Failure(ctx context.Context, e Entry) {
	e.Status = Failure
	key := sha256.Sum256([]byte(e.Action + "\x00" + ActorFrom(ctx).IP))
	minute := c.now().Truncate(time.Minute)
	c.mu.Lock()
	b := c.buckets[key]
	if b != nil && b.minute.Equal(minute) {
		b.count++
		c.mu.Unlock()
		return
	}
	var done []*burst
	if b != nil {
		done = append(done, b)
		delete(c.buckets, key)
	}
	for k, old := range c.buckets { // full: make room (map order is random)
		if len(c.buckets) < c.max {
			break
		}
		done = append(done, old)
		delete(c.buckets, k)
	}
	e.Details = maps.Clone(e.Details)
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details["attempts"] = 1
	nb := &burst{minute: minute, count: 1, details: e.Details}
	c.buckets[key] = nb
	c.mu.Unlock()
	for _, b := range done {
		c.finish(ctx, b)
	}
	id, err := record(ctx, c.db, e)
	if err != nil {
		slog.ErrorContext(ctx, "audit: row not written", "action", e.Action, "err", err)
	}
	c.mu.Lock()
	nb.rowID = id
	c.mu.Unlock()
}

// finish writes the final count of a burst into its row (when it grew).
func (c *Coalescer) finish(ctx context.Context, b *burst) {
	if b == nil || b.count <= 1 || b.rowID == "" {
		return
	}
	d := maps.Clone(b.details)
	d["attempts"] = b.count
	if _, err := c.db.Exec(ctx, `UPDATE audit_logs SET details = ? WHERE id = ?`, db.JSON[map[string]any]{V: clean(Redact(d))}, b.rowID); err != nil {
		slog.ErrorContext(ctx, "audit: attempt count not written", "err", err)
	}
}

// Flush writes the counts of every burst whose minute is over, and forgets
// them. The application calls it every minute.
func (c *Coalescer) Flush(ctx context.Context) {
	minute := c.now().Truncate(time.Minute)
	c.mu.Lock()
	var done []*burst
	for k, b := range c.buckets {
		if b.minute.Before(minute) {
			done = append(done, b)
			delete(c.buckets, k)
		}
	}
	c.mu.Unlock()
	for _, b := range done {
		c.finish(ctx, b)
	}
}
