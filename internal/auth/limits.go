package auth

import (
	"context"
	"time"

	"github.com/curatore/curatore/internal/db"
)

// Limits are the rate limits and the login back-off. Both implementations
// answer a refusal with the same RateLimited error (429 with Retry-After):
// MemoryLimits keeps them in this process (SQLite: one process serves
// HTTP), SharedLimits in PostgreSQL, shared by every process serving the
// database. Keys are strings such as "login:ip:1.2.3.4"; only their digest
// is kept.
type Limits interface {
	// Allow takes one event from the bucket of every key in order, or
	// returns RateLimited for the first key without room.
	Allow(ctx context.Context, keys ...string) error
	// Check returns RateLimited while account must still wait after its
	// failures.
	Check(ctx context.Context, account string) error
	// Fail records a failed sign-in for account.
	Fail(ctx context.Context, account string)
	// Succeed forgets account's failures.
	Succeed(ctx context.Context, account string)
}

// NewLimits returns the limits for d's engine: shared through the database
// on PostgreSQL, where several processes may serve one database; in this
// process's memory on SQLite. now is the clock of the in-memory limits
// (the shared ones read the database's clock).
func NewLimits(d *db.DB, perMinute int, now func() time.Time) Limits {
	if d.Engine() == db.Postgres {
		return NewSharedLimits(d, perMinute)
	}
	return NewMemoryLimits(perMinute, now)
}

// MemoryLimits are Limits held in process memory: a Limiter and a Backoff
// read with a clock.
type MemoryLimits struct {
	limiter *Limiter
	backoff *Backoff
	now     func() time.Time
}

// NewMemoryLimits returns in-memory limits allowing perMinute events per
// key and minute, reading the time from now.
func NewMemoryLimits(perMinute int, now func() time.Time) *MemoryLimits {
	return &MemoryLimits{limiter: NewLimiter(perMinute), backoff: NewBackoff(), now: now}
}

// Allow implements Limits.
func (m *MemoryLimits) Allow(_ context.Context, keys ...string) error {
	return m.limiter.Allow(m.now(), keys...)
}

// Check implements Limits.
func (m *MemoryLimits) Check(_ context.Context, account string) error {
	return m.backoff.Check(m.now(), account)
}

// Fail implements Limits.
func (m *MemoryLimits) Fail(_ context.Context, account string) { m.backoff.Fail(m.now(), account) }

// Succeed implements Limits.
func (m *MemoryLimits) Succeed(_ context.Context, account string) { m.backoff.Succeed(account) }
