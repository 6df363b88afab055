-- 0009: webhooks. An organization's endpoints (the signing secret sealed
-- with the server's secret keyring, bound to the row) and the log of
-- deliveries to each, one row per event sent, updated after every attempt.

CREATE TABLE webhooks (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    events         TEXT NOT NULL,
    is_active      BOOLEAN NOT NULL DEFAULT TRUE,
    secret_key_id  TEXT NOT NULL,
    secret_sealed  TEXT NOT NULL,
    created_by     TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX ix_webhooks_org ON webhooks (org_id, created_at);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL,
    webhook_id       TEXT NOT NULL,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    response_status  INTEGER,
    response_body    TEXT,
    error            TEXT,
    duration_ms      INTEGER,
    created_at       TIMESTAMP NOT NULL,
    last_attempt_at  TIMESTAMP,
    next_attempt_at  TIMESTAMP,
    delivered_at     TIMESTAMP,
    FOREIGN KEY (org_id, webhook_id) REFERENCES webhooks (org_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (org_id, webhook_id, created_at);
