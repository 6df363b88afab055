package auth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// retryAfter returns the wait of a RateLimited error, failing otherwise.
func retryAfter(t *testing.T, err error) time.Duration {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || !errors.Is(err, apperr.RateLimited) || e.RetryAfter < time.Second {
		t.Fatalf("want RateLimited with a Retry-After, got %v", err)
	}
	return e.RetryAfter
}

// age moves a table's times back by d, as if d had passed.
func age(t *testing.T, d *db.DB, table, column string, by time.Duration) {
	t.Helper()
	q := fmt.Sprintf(`UPDATE %s SET %s = %s - $1::float8 * interval '1 second'`, table, column, column)
	if _, err := d.Exec(context.Background(), q, by.Seconds()); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSharedLimitsAcrossProcesses: two limiters on one database (two
// processes) share each bucket and each account's back-off, and the table
// holds digests, not identifiers.
func TestSharedLimitsAcrossProcesses(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	a, b := auth.NewSharedLimits(d, 3), auth.NewSharedLimits(d, 3)
	const ip, acct = "login:ip:203.0.113.9", "login:acct:victim@example.com"
	for i, l := range []auth.Limits{a, b, a} {
		if err := l.Allow(ctx, ip, acct); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	for _, l := range []auth.Limits{a, b} {
		if w := retryAfter(t, l.Allow(ctx, ip)); w > 20*time.Second {
			t.Fatalf("Retry-After %v, want at most 20 s (one token at 3 a minute)", w)
		}
	}
	if err := b.Allow(ctx, "login:ip:198.51.100.1"); err != nil {
		t.Fatalf("another key: %v", err)
	}
	var n int
	_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM rate_limit_buckets WHERE key IN ($1, $2) AND length(key) = 16`,
		auth.KeyOf(ip), auth.KeyOf(acct)).Scan(&n)
	if n != 2 || count(t, d, "rate_limit_buckets") != 3 {
		t.Fatalf("bucket rows: %d keyed by digest, %d in all", n, count(t, d, "rate_limit_buckets"))
	}

	for i := 0; i < 6; i++ {
		[]auth.Limits{a, b}[i%2].Fail(ctx, acct)
	}
	for _, l := range []auth.Limits{a, b} {
		if w := retryAfter(t, l.Check(ctx, acct)); w != time.Second {
			t.Fatalf("after 6 failures in two processes: wait %v, want 1 s", w)
		}
	}
	a.Fail(ctx, acct)
	if w := retryAfter(t, b.Check(ctx, acct)); w <= time.Second || w > 2*time.Second {
		t.Fatalf("after 7 failures: wait %v, want 2 s", w)
	}
	if err := a.Check(ctx, "login:acct:other@example.com"); err != nil {
		t.Fatalf("another account: %v", err)
	}
	b.Succeed(ctx, acct)
	if err := a.Check(ctx, acct); err != nil {
		t.Fatalf("after a success in the other process: %v", err)
	}
}

// TestSharedLimitsConcurrentTakes: goroutines of two limiters taking from
// one bucket at once never get more than its capacity.
func TestSharedLimitsConcurrentTakes(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	limiters := []auth.Limits{auth.NewSharedLimits(d, 5), auth.NewSharedLimits(d, 5)}
	var allowed, refused atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(l auth.Limits) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				switch err := l.Allow(context.Background(), "login:acct:hot@example.com"); {
				case err == nil:
					allowed.Add(1)
				case errors.Is(err, apperr.RateLimited):
					refused.Add(1)
				default:
					t.Error(err)
				}
			}
		}(limiters[g%2])
	}
	wg.Wait()
	if allowed.Load() != 5 || refused.Load() != 75 {
		t.Fatalf("%d allowed, %d refused; want 5 and 75", allowed.Load(), refused.Load())
	}
}

// TestSharedLimitsRefillAndForget: a bucket refills with the time passed on
// the database's clock; a back-off wait ends, and failures an hour old are
// forgotten.
func TestSharedLimitsRefillAndForget(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	l := auth.NewSharedLimits(d, 3) // a token every 20 s
	for i := 0; i < 3; i++ {
		_ = l.Allow(ctx, "k")
	}
	retryAfter(t, l.Allow(ctx, "k"))
	age(t, d, "rate_limit_buckets", "seen_at", 21*time.Second)
	if err := l.Allow(ctx, "k"); err != nil {
		t.Fatalf("after 21 s: %v", err)
	}
	if w := retryAfter(t, l.Allow(ctx, "k")); w < 18*time.Second || w > 20*time.Second {
		t.Fatalf("Retry-After %v, want about 20 s", w)
	}
	age(t, d, "rate_limit_buckets", "seen_at", time.Hour)
	for i := 0; i < 3; i++ {
		if err := l.Allow(ctx, "k"); err != nil {
			t.Fatalf("full again after an hour, event %d: %v", i, err)
		}
	}
	retryAfter(t, l.Allow(ctx, "k")) // full means capacity, not an hour of tokens

	for i := 0; i < 6; i++ {
		l.Fail(ctx, "a")
	}
	retryAfter(t, l.Check(ctx, "a"))
	age(t, d, "login_backoff", "last_at", 2*time.Second)
	if err := l.Check(ctx, "a"); err != nil {
		t.Fatalf("after the 1 s wait: %v", err)
	}
	age(t, d, "login_backoff", "last_at", 2*time.Hour)
	l.Fail(ctx, "a") // the first failure again, not the seventh
	if err := l.Check(ctx, "a"); err != nil {
		t.Fatalf("failures an hour old were not forgotten: %v", err)
	}
}

// TestSharedLimitsSweepIdleRows: a spray of fresh identifiers leaves rows
// that a process deletes once they are idle (ten minutes for buckets, an
// hour after the last failure for back-off), keeping the recent ones.
func TestSharedLimitsSweepIdleRows(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	l := auth.NewSharedLimits(d, 10)
	for i := 0; i < 500; i++ {
		id := fmt.Sprintf("login:acct:spray%d@example.com", i)
		_ = l.Allow(ctx, id)
		l.Fail(ctx, id)
	}
	age(t, d, "rate_limit_buckets", "seen_at", 11*time.Minute)
	age(t, d, "login_backoff", "last_at", 59*time.Minute)
	l.Fail(ctx, "login:acct:recent@example.com")
	other := auth.NewSharedLimits(d, 10) // sweeps at its first use; l did a minute ago
	if err := other.Allow(ctx, "login:ip:203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	if b, f := count(t, d, "rate_limit_buckets"), count(t, d, "login_backoff"); b != 1 || f != 501 {
		t.Fatalf("%d bucket rows (want 1: the fresh one), %d back-off rows (want 501: none an hour old)", b, f)
	}
	age(t, d, "login_backoff", "last_at", 2*time.Minute)
	_ = auth.NewSharedLimits(d, 10).Allow(ctx, "login:ip:203.0.113.9")
	if f := count(t, d, "login_backoff"); f != 1 {
		t.Fatalf("%d back-off rows after an hour, want 1 (the recent one)", f)
	}
}

// TestSharedLimitsFallBackWhenDatabaseFails: with the tables gone, the
// limits are enforced in this process's memory — nobody is locked out and
// the gate does not open — and the failure is logged once, without the
// identifiers.
func TestSharedLimitsFallBackWhenDatabaseFails(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	if _, err := d.Exec(ctx, `DROP TABLE rate_limit_buckets, login_backoff`); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	l := auth.NewSharedLimits(d, 2)
	const ip, acct = "login:ip:203.0.113.9", "login:acct:victim@example.com"
	for i := 0; i < 2; i++ {
		if err := l.Allow(ctx, ip, acct); err != nil {
			t.Fatalf("event %d refused while the database fails: %v", i, err)
		}
	}
	retryAfter(t, l.Allow(ctx, ip, acct))
	for i := 0; i < 6; i++ {
		l.Fail(ctx, acct)
	}
	retryAfter(t, l.Check(ctx, acct))
	l.Succeed(ctx, acct)
	if err := l.Check(ctx, acct); err != nil {
		t.Fatalf("after a success: %v", err)
	}
	out := logs.String()
	if n := strings.Count(out, "rate limits: the database failed"); n != 1 {
		t.Errorf("logged %d times, want once a minute:\n%s", n, out)
	}
	if strings.Contains(out, "victim") || strings.Contains(out, "203.0.113.9") {
		t.Errorf("the log holds an identifier:\n%s", out)
	}
}
