-- 0002: authentication state. Sessions make JWTs revocable (each access
-- token names its session; each session remembers the one refresh token that
-- is still valid, so a rotated one presented again is detected). Email
-- verification and password-reset tokens are stored as SHA-256 digests only.

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    refresh_jti   TEXT NOT NULL,
    ip_address    TEXT,
    user_agent    TEXT,
    created_at    TIMESTAMP NOT NULL,
    refreshed_at  TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    revoke_reason TEXT
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

CREATE TABLE user_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('email_verification', 'password_reset')),
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX ix_user_tokens_user ON user_tokens (user_id, purpose);
