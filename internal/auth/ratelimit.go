package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/curatore/curatore/internal/apperr"
)

// Limiter is a set of token buckets keyed by string ("login:ip:1.2.3.4"),
// each allowing perMinute events per minute with bursts of perMinute. It is
// in-process: with several replicas each enforces its own limit (documented
// in the README).
type Limiter struct {
	mu        sync.Mutex
	perMinute int
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter returns a Limiter allowing perMinute events per key and minute.
func NewLimiter(perMinute int) *Limiter {
	return &Limiter{perMinute: perMinute, buckets: map[string]*bucket{}}
}

// Allow takes one event for every key, or returns RateLimited with the
// wait before the first refused key has room again.
func (l *Limiter) Allow(now time.Time, keys ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil {
			b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
			l.buckets[k] = b
		}
		b.seen = now
		r := b.lim.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			return tooMany(d)
		}
	}
	return nil
}

// sweep forgets buckets unused for ten minutes (they are full again by then).
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if now.Sub(b.seen) > 10*time.Minute {
			delete(l.buckets, k)
		}
	}
}

func tooMany(wait time.Duration) error {
	if wait < time.Second {
		wait = time.Second
	}
	return &apperr.Error{Kind: apperr.RateLimited, Code: "rate_limited",
		Detail: "Too many attempts; try again later.", RetryAfter: wait}
}

// Backoff slows down repeated login failures for one account: after
// FreeFailures consecutive failures each further attempt must wait
// 2^(n-FreeFailures) seconds, capped at MaxDelay. A success resets it, and
// the owner is never locked out for longer than MaxDelay.
type Backoff struct {
	mu           sync.Mutex
	FreeFailures int
	MaxDelay     time.Duration
	accounts     map[string]*failures
}

type failures struct {
	count int
	until time.Time
}

// NewBackoff returns a Backoff with 5 free failures and a 15-minute cap.
func NewBackoff() *Backoff {
	return &Backoff{FreeFailures: 5, MaxDelay: 15 * time.Minute, accounts: map[string]*failures{}}
}

// Check returns RateLimited while account must still wait.
func (b *Backoff) Check(now time.Time, account string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f := b.accounts[account]; f != nil && now.Before(f.until) {
		return tooMany(f.until.Sub(now))
	}
	return nil
}

// Fail records a failed attempt.
func (b *Backoff) Fail(now time.Time, account string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.accounts[account]
	if f == nil {
		if len(b.accounts) > 100000 {
			b.accounts = map[string]*failures{} // bound memory under a spray attack
		}
		f = &failures{}
		b.accounts[account] = f
	}
	f.count++
	if n := f.count - b.FreeFailures; n > 0 {
		d := time.Second << min(n-1, 20)
		f.until = now.Add(min(d, b.MaxDelay))
	}
}

// Succeed forgets an account's failures.
func (b *Backoff) Succeed(account string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.accounts, account)
}
