package auth_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
)

func TestPasswordPolicy(t *testing.T) {
	cases := []struct {
		name, password string
		ok             bool
	}{
		{"too short", "1234567", false},
		{"minimum", "12345678", true},
		{"72 bytes", strings.Repeat("a", 72), true},
		{"73 bytes", strings.Repeat("a", 73), false},
		{"72 bytes of multi-byte runes", strings.Repeat("é", 36), true},
		{"74 bytes of multi-byte runes", strings.Repeat("é", 37), false},
	}
	for _, c := range cases {
		err := auth.CheckPasswordPolicy("password", c.password)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
		if err != nil && !errors.Is(err, apperr.Invalid) {
			t.Errorf("%s: not a field error: %v", c.name, err)
		}
	}
	h, err := auth.HashPassword("password-one", 4)
	if err != nil {
		t.Fatal(err)
	}
	if !auth.PasswordMatches(h, "password-one") || auth.PasswordMatches(h, "password-two") {
		t.Fatal("PasswordMatches")
	}
	long, _ := auth.HashPassword(strings.Repeat("a", 72), 4)
	if auth.PasswordMatches(long, strings.Repeat("a", 80)) {
		t.Fatal("a longer password matched its 72-byte prefix")
	}
}

func TestSignerRejectsOtherAlgorithmsTypesAndExpiry(t *testing.T) {
	s := auth.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	now := time.Now()
	tok, jti, err := s.Sign(auth.TypeAccess, "u1", "o1", auth.RoleMember, "s1", now, time.Hour)
	if err != nil || jti == "" {
		t.Fatal(err)
	}
	c, err := s.Verify(tok, auth.TypeAccess)
	if err != nil || c.Subject != "u1" || c.OrgID != "o1" || c.Role != auth.RoleMember || c.SessionID != "s1" || c.ID != jti {
		t.Fatalf("claims %+v %v", c, err)
	}
	expired, _, _ := s.Sign(auth.TypeAccess, "u1", "o1", auth.RoleMember, "s1", now.Add(-2*time.Hour), time.Hour)
	claims := jwt.MapClaims{"sub": "u1", "org_id": "o1", "type": "access", "sid": "s1", "jti": "j",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs384, _ := jwt.NewWithClaims(jwt.SigningMethodHS384, claims).SignedString([]byte("0123456789abcdef0123456789abcdef"))
	noExp := jwt.MapClaims{"sub": "u1", "org_id": "o1", "type": "access", "sid": "s1", "jti": "j"}
	forever, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, noExp).SignedString([]byte("0123456789abcdef0123456789abcdef"))
	cases := map[string]struct{ token, typ string }{
		"expired": {expired, auth.TypeAccess}, "alg none": {none, auth.TypeAccess}, "HS384": {hs384, auth.TypeAccess},
		"no exp": {forever, auth.TypeAccess}, "wrong type": {tok, auth.TypeRefresh}, "empty": {"", auth.TypeAccess},
	}
	for name, c := range cases {
		if _, err := s.Verify(c.token, c.typ); !errors.Is(err, apperr.Unauthenticated) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSignerCacheNeverOutlivesExpiry(t *testing.T) {
	s := auth.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	now := time.Now()
	s.SetClock(func() time.Time { return now })
	tok, _, _ := s.Sign(auth.TypeAccess, "u1", "o1", auth.RoleMember, "s1", now, time.Minute)
	for i := 0; i < 2; i++ { // the second call is served from the cache
		if _, err := s.Verify(tok, auth.TypeAccess); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if _, err := s.Verify(tok, auth.TypeRefresh); err == nil {
		t.Fatal("cached access token accepted as a refresh token")
	}
	now = now.Add(2 * time.Minute)
	_, err := s.Verify(tok, auth.TypeAccess)
	if e, ok := apperr.As(err); !ok || e.Code != "token_expired" {
		t.Fatalf("after expiry: %v", err)
	}
	other := auth.NewSigner([]byte("another-secret-0123456789abcdef0123"))
	if _, err := other.Verify(tok, auth.TypeAccess); err == nil {
		t.Fatal("another secret accepted the token")
	}
}

func TestAPIKeyShape(t *testing.T) {
	key, display, digest := auth.NewAPIKey("cur_")
	if len(key) != 68 || display != key[:12] || digest != auth.Digest(key) || !auth.LooksLikeAPIKey("cur_", key) {
		t.Fatalf("%q %q %q", key, display, digest)
	}
	other, _, _ := auth.NewAPIKey("cur_")
	if other == key {
		t.Fatal("two equal keys")
	}
	for _, bad := range []string{"", "cur_", key[:67], key + "0", "xyz_" + key[4:], "cur_" + strings.Repeat("G", 64)} {
		if auth.LooksLikeAPIKey("cur_", bad) {
			t.Errorf("accepted %q", bad)
		}
	}
	if !auth.DigestEqual(digest, auth.Digest(key)) || auth.DigestEqual(digest, auth.Digest(other)) {
		t.Fatal("DigestEqual")
	}
}

func TestLimiter(t *testing.T) {
	l := auth.NewLimiter(3)
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < 3; i++ {
		if err := l.Allow(now, "ip:1", "acct:a"); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	err := l.Allow(now, "ip:1", "acct:b")
	e, ok := apperr.As(err)
	if !ok || !errors.Is(err, apperr.RateLimited) || e.RetryAfter < time.Second {
		t.Fatalf("4th: %v", err)
	}
	if err := l.Allow(now, "ip:2"); err != nil {
		t.Fatalf("another key: %v", err)
	}
	if err := l.Allow(now.Add(20*time.Second), "ip:1"); err != nil {
		t.Fatalf("after refill: %v", err)
	}
}

func TestBackoffGrowsAndResets(t *testing.T) {
	b := auth.NewBackoff()
	now := time.Unix(1_700_000_000, 0)
	var waits []time.Duration
	for i := 0; i < 9; i++ {
		b.Fail(now, "a")
		if err := b.Check(now, "a"); err != nil {
			e, _ := apperr.As(err)
			waits = append(waits, e.RetryAfter)
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	if len(waits) != len(want) {
		t.Fatalf("waits %v", waits)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	for i := 0; i < 40; i++ {
		b.Fail(now, "a")
	}
	e, _ := apperr.As(b.Check(now, "a"))
	if e == nil || e.RetryAfter != 15*time.Minute {
		t.Fatalf("cap: %v", e)
	}
	if b.Check(now.Add(15*time.Minute), "a") != nil {
		t.Fatal("still locked after the cap")
	}
	b.Succeed("a")
	if b.Check(now, "a") != nil || b.Check(now, "other") != nil {
		t.Fatal("reset")
	}
}

func TestSlugify(t *testing.T) {
	cases := map[string]string{"Alice Corp": "alice-corp", "  Ünïcode & Co!! ": "n-code-co", "---": "org",
		strings.Repeat("ab", 40): strings.Repeat("ab", 25)}
	for in, want := range cases {
		if got := auth.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSprayKeepsMemoryBoundedAndTargetBackedOff: 200,000 distinct
// identifiers, each failing once (the biggest allowed), leave the back-off
// and limiter tables at their bound, use bounded memory, and the account
// under attack stays backed off.
func TestSprayKeepsMemoryBoundedAndTargetBackedOff(t *testing.T) {
	b := auth.NewBackoff()
	l := auth.NewLimiter(10)
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < 10; i++ {
		b.Fail(now, "login:acct:victim@example.com")
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	long := strings.Repeat("x", auth.MaxIdentifierLen-20)
	for i := 0; i < 200_000; i++ {
		id := fmt.Sprintf("login:acct:%s%d@spray.example", long, i)
		b.Fail(now, id)
		_ = l.Allow(now, id)
		if i%1000 == 0 {
			b.Fail(now, "login:acct:victim@example.com") // the attack goes on
		}
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if b.Len() > auth.MaxEntries || l.Len() > auth.MaxEntries {
		t.Fatalf("tables hold %d and %d entries, bound %d", b.Len(), l.Len(), auth.MaxEntries)
	}
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 32<<20 {
		t.Errorf("heap grew by %d MiB", grown>>20)
	}
	if err := b.Check(now, "login:acct:victim@example.com"); err == nil {
		t.Fatal("the targeted account's back-off was reset by the spray")
	}
	// Forgotten an hour after the last failure once the wait is over.
	later := now.Add(2 * time.Hour)
	b.Fail(later, "login:acct:someone-else")
	if b.Len() != 1 {
		t.Errorf("%d entries after expiry, want 1", b.Len())
	}
}
