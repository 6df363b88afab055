package auth

import (
	"context"
	"log/slog"
	"strings"
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
	dummyHash string
	limiter   *Limiter
	backoff   *Backoff
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
	dummy, err := HashPassword("dummy-password-for-timing", o.Config.BcryptRounds)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: o.Config, db: o.DB, mail: o.Mail, createOrg: o.CreateOrg, now: o.Now,
		signer: NewSigner(secret), dummyHash: dummy,
		limiter: NewLimiter(o.Config.RateLimitLoginPerMinute), backoff: NewBackoff()}
	if s.now == nil {
		s.now = db.Now
	}
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

// sendLater delivers m in the background so that the response time does
// not tell whether an address exists; failures are logged (without the
// body, which holds a token).
func (s *Service) sendLater(m email.Message) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := s.mail.Send(ctx, m); err != nil {
			slog.Error("email not sent", "to", m.To, "subject", m.Subject, "err", err)
		}
	}()
}

// link builds a frontend URL carrying a token.
func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.cfg.FrontendBaseURL, "/") + path + "?token=" + token
}
