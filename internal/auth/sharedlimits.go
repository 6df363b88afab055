package auth

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/curatore/curatore/internal/db"
)

// SharedLimits keep the rate-limit buckets and the login back-off in
// PostgreSQL (tables rate_limit_buckets and login_backoff, keyed by the
// identifier's digest), so that every process serving one database
// enforces one limit. Each decision is one statement computed with the
// database's clock, so concurrent requests in several processes cannot
// both take the last token, and the processes' clocks do not matter.
//
// A database failure neither locks everyone out nor opens the gate: the
// decision falls back to this process's own memory (the limits a single
// process enforces) and the failure is logged, at most once a minute.
// Idle rows are deleted by each process at most once a minute, on the
// request path: buckets unused for ten minutes (full again by then), and
// back-off rows an hour after their last failure.
type SharedLimits struct {
	db        *db.DB
	perMinute int
	local     *MemoryLimits // while the database fails
	lastSweep atomic.Int64  // unix nanoseconds
	lastLog   atomic.Int64
}

// NewSharedLimits returns limits allowing perMinute events per key and
// minute, kept in d (a PostgreSQL database).
func NewSharedLimits(d *db.DB, perMinute int) *SharedLimits {
	return &SharedLimits{db: d, perMinute: perMinute, local: NewMemoryLimits(perMinute, time.Now)}
}

// takeSQL takes a token from bucket $1 (capacity $2, refilled at $3 tokens
// a second since seen_at) when one is there; a refused attempt takes
// nothing. now() is the transaction's (here the statement's) start, so seen_at never goes back and
// an elapsed time is never negative when statements finish out of order.
const takeSQL = `INSERT INTO rate_limit_buckets AS b (key, tokens, allowed, seen_at) VALUES ($1, $2::float8 - 1, TRUE, now())
ON CONFLICT (key) DO UPDATE SET (tokens, allowed, seen_at) = (
	SELECT CASE WHEN a >= 1 THEN a - 1 ELSE a END, a >= 1, GREATEST(b.seen_at, now())
	FROM (SELECT LEAST($2::float8, b.tokens + $3::float8 * GREATEST(0, EXTRACT(EPOCH FROM now() - b.seen_at)::float8)) AS a) f)
RETURNING allowed, tokens`

// Allow implements Limits.
func (l *SharedLimits) Allow(ctx context.Context, keys ...string) error {
	l.sweep(ctx)
	for _, key := range keys {
		if err := l.take(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

func (l *SharedLimits) take(ctx context.Context, key string) error {
	var allowed bool
	var tokens float64
	k := keyOf(key)
	rate := float64(l.perMinute) / 60
	if err := l.db.QueryRow(ctx, takeSQL, k[:], float64(l.perMinute), rate).Scan(&allowed, &tokens); err != nil {
		l.degraded(ctx, "take", err)
		return l.local.Allow(ctx, key)
	}
	if !allowed {
		return tooMany(seconds((1 - tokens) / rate))
	}
	return nil
}

// Check implements Limits.
func (l *SharedLimits) Check(ctx context.Context, account string) error {
	var failures int
	var since float64
	k := keyOf(account)
	err := l.db.QueryRow(ctx, `SELECT failures, EXTRACT(EPOCH FROM now() - last_at)::float8 FROM login_backoff
		WHERE key = $1`, k[:]).Scan(&failures, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		l.degraded(ctx, "check", err)
		return l.local.Check(ctx, account)
	}
	if wait := l.local.backoff.delay(failures) - seconds(since); wait > 0 {
		return tooMany(wait)
	}
	return nil
}

// failSQL counts a failure of account $1, starting again from one when the
// last failure is older than $2 seconds (the in-memory table forgets it).
const failSQL = `INSERT INTO login_backoff AS f (key, failures, last_at) VALUES ($1, 1, now())
ON CONFLICT (key) DO UPDATE SET
	failures = CASE WHEN f.last_at < now() - $2::float8 * interval '1 second' THEN 1 ELSE f.failures + 1 END,
	last_at = GREATEST(f.last_at, now())`

// Fail implements Limits.
func (l *SharedLimits) Fail(ctx context.Context, account string) {
	k := keyOf(account)
	if _, err := l.db.Exec(ctx, failSQL, k[:], l.local.backoff.forget().Seconds()); err != nil {
		l.degraded(ctx, "fail", err)
		l.local.Fail(ctx, account)
	}
}

// Succeed implements Limits.
func (l *SharedLimits) Succeed(ctx context.Context, account string) {
	l.local.Succeed(ctx, account)
	k := keyOf(account)
	if _, err := l.db.Exec(ctx, `DELETE FROM login_backoff WHERE key = $1`, k[:]); err != nil {
		l.degraded(ctx, "succeed", err)
	}
}

// sweep deletes idle rows, at most once a minute per process.
func (l *SharedLimits) sweep(ctx context.Context) {
	if !onceAMinute(&l.lastSweep) {
		return
	}
	_, err := l.db.Exec(ctx, `DELETE FROM rate_limit_buckets WHERE seen_at < now() - interval '10 minutes'`)
	if err == nil {
		_, err = l.db.Exec(ctx, `DELETE FROM login_backoff WHERE last_at < now() - $1::float8 * interval '1 second'`,
			l.local.backoff.forget().Seconds())
	}
	if err != nil {
		l.degraded(ctx, "sweep", err)
	}
}

// degraded logs a database failure of the limits — the operation and the
// error, never the identifier — at most once a minute, and not when the
// request itself was cancelled.
func (l *SharedLimits) degraded(ctx context.Context, op string, err error) {
	if ctx.Err() != nil || !onceAMinute(&l.lastLog) {
		return
	}
	slog.ErrorContext(ctx, "rate limits: the database failed; this process enforces its own limits until it answers",
		"op", op, "err", err)
}

// onceAMinute reports whether a minute has passed since the last time it
// returned true for last, and if so records now; one caller wins a race.
func onceAMinute(last *atomic.Int64) bool {
	now, prev := time.Now().UnixNano(), last.Load()
	return now-prev >= int64(time.Minute) && last.CompareAndSwap(prev, now)
}

// seconds converts a number of seconds to a Duration.
func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
