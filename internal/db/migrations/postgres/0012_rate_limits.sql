-- 0012: the rate limits and the login back-off, shared by every process
-- serving this database (auth.SharedLimits). Rows are keyed by a digest of
-- the identifier ("login:ip:…", "login:acct:…"), never the identifier, and
-- each decision is one upsert computed with the database's clock. The
-- servers delete idle rows: buckets unused for ten minutes (full again by
-- then), back-off rows an hour after their last failure. Not tenant data:
-- an IP or a login is limited before any organization is known.

CREATE TABLE rate_limit_buckets (
    key      BYTEA PRIMARY KEY,
    tokens   DOUBLE PRECISION NOT NULL,  -- left at seen_at
    allowed  BOOLEAN NOT NULL,           -- the last decision, read back by RETURNING
    seen_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_rate_limit_buckets_seen ON rate_limit_buckets (seen_at);

CREATE TABLE login_backoff (
    key       BYTEA PRIMARY KEY,
    failures  INTEGER NOT NULL,  -- consecutive, the last at last_at
    last_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_login_backoff_last ON login_backoff (last_at);
