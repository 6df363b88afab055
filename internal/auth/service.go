package auth

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/email"
)

// OrgCreator creates an organization inside the caller's transaction and
// returns its id. The application wires it to the org store (this package
// cannot import org: org's services import auth for the Scope).
type OrgCreator func(ctx context.Context, q db.Querier, name, slug, createdBy string) (id string, err error)

// Options are what a Service needs.
type Options struct {
	Config    *config.Config
	DB        *db.DB
	Mail      email.Sender
	CreateOrg OrgCreator
	Now       func() time.Time // tests may fix the clock; default db.Now
}

// Service holds the authentication rules: sign-in, sessions, tokens, API
// keys, registration, email verification and password reset.
type Service struct {
	cfg       *config.Config
	db        *db.DB
	mail      email.Sender
	createOrg OrgCreator
	now       func() time.Time
	signer    *Signer
	dummyHash func() string // made on first use: bcrypt at full cost would slow start-up
	limits    Limits
	failures  *audit.Coalescer // repeated bad tokens and passwords
	bg        sync.WaitGroup
}

// NewService builds the service. With ENABLE_AUTH=false and no
// JWT_SECRET_KEY, tokens are signed with a random per-process secret (they
// stop working at restart).
func NewService(o Options) (*Service, error) {
	secret := []byte(o.Config.JWTSecretKey)
	if len(secret) == 0 {
		secret = []byte(RandomToken(32))
		slog.Warn("JWT_SECRET_KEY is not set: tokens are signed with a random key and end at restart")
	}
	rounds := o.Config.BcryptRounds
	s := &Service{cfg: o.Config, db: o.DB, mail: o.Mail, createOrg: o.CreateOrg, now: o.Now,
		signer: NewSigner(secret),
		dummyHash: sync.OnceValue(func() string {
			h, _ := HashPassword("dummy-password-for-timing", rounds) // cannot fail: the password is short and rounds validated
			return h
		}),
		failures: audit.NewCoalescer(o.DB, 10_000)}
	if s.now == nil {
		s.now = db.Now
	}
	s.limits = NewLimits(o.DB, o.Config.RateLimitLoginPerMinute, s.now)
	go s.dummyHash() // warm it off the start-up path, so the first failed login costs what later ones do
	return s, nil
}

// APIKeyPrefix returns the configured key prefix (API_KEY_PREFIX).
func (s *Service) APIKeyPrefix() string { return s.cfg.APIKeyPrefix }

// clientIP returns the caller's IP recorded by the HTTP layer.
func clientIP(ctx context.Context) string {
	if ip := audit.ActorFrom(ctx).IP; ip != "" {
		return ip
	}
	return "unknown"
}

// inBackground runs fn after the response, with the request's values (the
// actor, for audit rows) but not its cancellation, for at most a minute.
// Failures are logged without details that could hold a token. Wait
// blocks until every such task is done.
func (s *Service) inBackground(ctx context.Context, what string, fn func(ctx context.Context) error) {
	ctx = context.WithoutCancel(ctx)
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := fn(ctx); err != nil {
			slog.ErrorContext(ctx, what+" failed", "err", err)
		}
	}()
}

// FlushFailures writes the attempt counts of coalesced failure rows whose
// minute is over; the application calls it every minute.
func (s *Service) FlushFailures(ctx context.Context) { s.failures.Flush(ctx) }

// Wait blocks until background work (emails) has finished; the
// application calls it before closing the database.
func (s *Service) Wait() { s.bg.Wait() }

// link builds a frontend URL carrying a token.
func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.cfg.FrontendBaseURL, "/") + path + "?token=" + token
}
