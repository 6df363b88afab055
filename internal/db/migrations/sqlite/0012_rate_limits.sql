-- 0012: the rate limits and the login back-off, shared by every process
-- serving a PostgreSQL database (auth.SharedLimits). On SQLite one process
-- serves HTTP and keeps them in memory: these tables stay empty and exist
-- so that both engines have the same tables (`curatore migrate-db` copies
-- either way). Rows are keyed by a digest of the identifier, never the
-- identifier. Not tenant data: an IP or a login is limited before any
-- organization is known.

CREATE TABLE rate_limit_buckets (
    key      BLOB PRIMARY KEY,
    tokens   DOUBLE PRECISION NOT NULL,  -- left at seen_at
    allowed  BOOLEAN NOT NULL,           -- the last decision, read back by RETURNING
    seen_at  TIMESTAMP NOT NULL
);
CREATE INDEX ix_rate_limit_buckets_seen ON rate_limit_buckets (seen_at);

CREATE TABLE login_backoff (
    key       BLOB PRIMARY KEY,
    failures  INTEGER NOT NULL,  -- consecutive, the last at last_at
    last_at   TIMESTAMP NOT NULL
);
CREATE INDEX ix_login_backoff_last ON login_backoff (last_at);
