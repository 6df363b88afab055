package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/curatore/curatore/internal/apperr"
)

// Token types carried in the "type" claim.
const (
	TypeAccess  = "access"
	TypeRefresh = "refresh"
)

// Claims are the claims of Curatore's access and refresh tokens.
type Claims struct {
	OrgID     string `json:"org_id"`
	Role      Role   `json:"role,omitempty"`
	Type      string `json:"type"`
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// Signer issues and verifies HS256 tokens with one secret.
type Signer struct {
	secret []byte
	parser *jwt.Parser

	// verified remembers tokens whose signature was checked, so a client
	// presenting the same access token on every request costs one map
	// lookup instead of an HMAC and a JSON decode (a quarter of an
	// authenticated request). Expiry is still checked on every use, and
	// revocation is the session check's job, so caching cannot extend a
	// token's life.
	mu       sync.Mutex
	verified map[string]*Claims
	now      func() time.Time
}

// maxVerified bounds the verified-token cache; when full it starts over.
const maxVerified = 10000

// NewSigner returns a Signer for secret.
func NewSigner(secret []byte) *Signer {
	s := &Signer{secret: secret, verified: map[string]*Claims{}, now: time.Now}
	s.parser = jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return s.now() }))
	return s
}

// Sign issues a token of typ for the subject, valid for ttl from now.
// It returns the token and its jti.
func (s *Signer) Sign(typ, userID, orgID string, role Role, sessionID string, now time.Time, ttl time.Duration) (string, string, error) {
	jti := RandomToken(16)
	c := Claims{OrgID: orgID, Role: role, Type: typ, SessionID: sessionID, RegisteredClaims: jwt.RegisteredClaims{
		Subject: userID, ID: jti, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.secret)
	return tok, jti, err
}

// errBadToken is the one answer for every invalid token: the reason goes
// nowhere a client can read it.
var errBadToken = apperr.New(apperr.Unauthenticated, "invalid_token", "Invalid or expired token")

// Verify checks a token's signature (HS256 only: "none" and every other
// algorithm are refused), expiry and type, and returns its claims.
func (s *Signer) Verify(token, typ string) (*Claims, error) {
	if c := s.cached(token); c != nil {
		if c.Type != typ {
			return nil, errBadToken
		}
		return c, nil
	}
	var c Claims
	_, err := s.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.secret, nil })
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, errExpired
		}
		return nil, errBadToken
	}
	if c.Type != typ || c.Subject == "" || c.SessionID == "" || c.ID == "" {
		return nil, errBadToken
	}
	if typ == TypeAccess {
		s.remember(token, &c)
	}
	return &c, nil
}

var errExpired = apperr.New(apperr.Unauthenticated, "token_expired", "Token has expired")

// cached returns the claims of a token verified before and not yet expired.
func (s *Signer) cached(token string) *Claims {
	s.mu.Lock()
	c := s.verified[token]
	s.mu.Unlock()
	if c == nil || !s.now().Before(c.ExpiresAt.Time) {
		return nil // expired ones are re-parsed, which reports the expiry
	}
	return c
}

func (s *Signer) remember(token string, c *Claims) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.verified) >= maxVerified {
		clear(s.verified)
	}
	s.verified[token] = c
}

// RandomToken returns n random bytes, base64url-encoded (no padding).
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Digest returns the hex SHA-256 of a high-entropy secret (API keys, email
// tokens). A fast hash is enough: the input is random, not a password.
func Digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
