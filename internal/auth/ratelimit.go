package auth

import (
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/curatore/curatore/internal/apperr"
)

// MaxIdentifierLen bounds logins and email addresses taken from requests
// (RFC 5321 allows 320 bytes for an address); longer ones are a 422 before
// they reach a limiter or the database.
const MaxIdentifierLen = 320

// checkIdentifier refuses an identifier longer than MaxIdentifierLen.
func checkIdentifier(field, v string) error {
	if len(v) > MaxIdentifierLen {
		return apperr.Field(field, "must be at most 320 bytes")
	}
	return nil
}

// limitKey is what the maps are keyed by: a digest of the identifier, so
// an entry's size does not depend on what the caller sent.
type limitKey [16]byte

func keyOf(s string) limitKey {
	sum := sha256.Sum256([]byte(s))
	return limitKey(sum[:16])
}

// MaxEntries bounds each limiter and back-off table.
const MaxEntries = 50_000

// evictSample is how many entries eviction looks at to pick one.
const evictSample = 8

// Limiter is a set of token buckets keyed by string ("login:ip:1.2.3.4"),
// each allowing perMinute events per minute with bursts of perMinute. It is
// in-process (SharedLimits is the PostgreSQL counterpart that every
// replica shares). Keys are hashed, idle buckets expire after ten minutes
// (they are full again by then), and the table holds at most MaxEntries:
// when full, the least recently used of a random sample goes.
type Limiter struct {
	mu        sync.Mutex
	perMinute int
	max       int
	buckets   map[limitKey]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter returns a Limiter allowing perMinute events per key and minute.
func NewLimiter(perMinute int) *Limiter {
	return &Limiter{perMinute: perMinute, max: MaxEntries, buckets: map[limitKey]*bucket{}}
}

// Allow takes one event for every key, or returns RateLimited with the
// wait before the first refused key has room again.
func (l *Limiter) Allow(now time.Time, keys ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now, false)
	for _, s := range keys {
		k := keyOf(s)
		b := l.buckets[k]
		if b == nil {
			l.makeRoom(now)
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

// Len returns the number of buckets held.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// sweep forgets buckets unused for ten minutes, at most once a minute
// unless forced.
func (l *Limiter) sweep(now time.Time, force bool) {
	if !force && now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if now.Sub(b.seen) > 10*time.Minute {
			delete(l.buckets, k)
		}
	}
}

// makeRoom evicts the least recently used of a random sample when the
// table is full. A bucket in active use (a targeted account's) is recent,
// so a spray of fresh keys evicts other fresh keys first.
func (l *Limiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.max {
		return
	}
	var victim limitKey
	var oldest time.Time
	n := 0
	for k, b := range l.buckets {
		if n == 0 || b.seen.Before(oldest) {
			victim, oldest = k, b.seen
		}
		if n++; n == evictSample {
			break
		}
	}
	delete(l.buckets, victim)
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
// the owner is never locked out for longer than MaxDelay. Entries are
// keyed by a digest of the account, forgotten an hour after their last
// failure, and bounded in number: when the table is full, the entry with
// the fewest failures of a random sample goes — never one that is backing
// off while a sprayed identifier with fewer failures is in the sample, so
// a spray of fresh identifiers cannot reset a targeted account.
type Backoff struct {
	mu           sync.Mutex
	FreeFailures int
	MaxDelay     time.Duration
	max          int
	accounts     map[limitKey]*failures
	lastSweep    time.Time
}

type failures struct {
	count int
	until time.Time
	last  time.Time
}

// backoffForget is how long an account's failures are remembered.
const backoffForget = time.Hour

// NewBackoff returns a Backoff with 5 free failures and a 15-minute cap.
func NewBackoff() *Backoff {
	return &Backoff{FreeFailures: 5, MaxDelay: 15 * time.Minute, max: MaxEntries, accounts: map[limitKey]*failures{}}
}

// Check returns RateLimited while account must still wait.
func (b *Backoff) Check(now time.Time, account string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f := b.accounts[keyOf(account)]; f != nil && now.Before(f.until) {
		return tooMany(f.until.Sub(now))
	}
	return nil
}

// Fail records a failed attempt.
func (b *Backoff) Fail(now time.Time, account string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweep(now)
	k := keyOf(account)
	f := b.accounts[k]
	if f == nil {
		b.makeRoom()
		f = &failures{}
		b.accounts[k] = f
	}
	f.count++
	f.last = now
	if d := b.delay(f.count); d > 0 {
		f.until = now.Add(d)
	}
}

// delay is the wait after count consecutive failures: none for the first
// FreeFailures, then 1 s, 2 s, 4 s … up to MaxDelay.
func (b *Backoff) delay(count int) time.Duration {
	n := count - b.FreeFailures
	if n <= 0 {
		return 0
	}
	return min(time.Second<<min(n-1, 20), b.MaxDelay)
}

// forget is how long failures are remembered: an hour, or MaxDelay if
// longer, so that an entry is never forgotten while it is backing off.
func (b *Backoff) forget() time.Duration { return max(backoffForget, b.MaxDelay) }

// sweep forgets accounts whose last failure is an hour old, once a minute.
func (b *Backoff) sweep(now time.Time) {
	if now.Sub(b.lastSweep) < time.Minute {
		return
	}
	b.lastSweep = now
	for k, f := range b.accounts {
		if now.Sub(f.last) > backoffForget && !now.Before(f.until) {
			delete(b.accounts, k)
		}
	}
}

// makeRoom evicts, when full, the entry with the fewest failures (the
// oldest among equals) of a random sample.
func (b *Backoff) makeRoom() {
	if len(b.accounts) < b.max {
		return
	}
	var victim limitKey
	var best *failures
	n := 0
	for k, f := range b.accounts {
		if best == nil || f.count < best.count || (f.count == best.count && f.last.Before(best.last)) {
			victim, best = k, f
		}
		if n++; n == evictSample {
			break
		}
	}
	delete(b.accounts, victim)
}

// Len returns the number of accounts tracked.
func (b *Backoff) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.accounts)
}

// Succeed forgets an account's failures.
func (b *Backoff) Succeed(account string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.accounts, keyOf(account))
}
